import CredentialJSON
import Foundation

/// Renders reports for a person at a terminal: ✓/✗ per check, the credential summarised, colour only when asked.
public struct TerminalRenderer: Sendable {
    /// Whether to use ANSI colours (only for a TTY, or when asked).
    public var colour: Bool
    /// Creates a renderer.
    public init(colour: Bool) { self.colour = colour }

    /// The report text, one block per item.
    public func render(_ reports: [VerificationReport]) -> String {
        reports.map { render($0, indent: "") }.joined(separator: "\n")
    }

    func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    func badge(_ status: OverallStatus) -> String {
        switch status {
        case .verified: return paint("✓ Verified", "1;32")
        case .partiallyVerified: return paint("◐ Partially verified", "1;33")
        case .failed: return paint("✗ Failed", "1;31")
        }
    }

    func render(_ r: VerificationReport, indent: String) -> String {
        // Everything that comes from the input (file names, credential text, reasons quoting it) goes through
        // `visible`, so only this renderer ever writes control sequences to the terminal.
        let v = Self.visible
        let demo = r.restsOnDemo ? "  " + paint("DEMO: trust rests on public demo keys", "1;33") : ""
        var lines = ["\(indent)\(badge(r.status))\(demo)  \(v(r.source))  (\(r.kind.rawValue))"]
        if let s = r.summary {
            func row(_ label: String, _ value: String?) {
                if let value { lines.append("\(indent)  \(label.padding(toLength: 15, withPad: " ", startingAt: 0)) \(v(value))") }
            }
            row("Learner:", s.learner)
            row("Achievement:", s.achievement)
            row("Description:", s.achievementDescription)
            row("Criteria:", s.criteria)
            for a in s.alignments { row("Aligned to:", CredentialSummary.line(for: a)) }
            for m in s.members { row("Includes:", "\(m.achievement) (\(m.verdict.rawValue))") }
            row("Awarding body:", s.awardingBody)
            row("Date:", s.date)
            row("EQF level:", s.eqfLevel.map(String.init))
            for o in s.outcomes {
                let skill = [o.skillLabel.map { "“\($0)”" }, o.skillURI].compactMap { $0 }.joined(separator: " ")
                lines.append("\(indent)  • \(v(o.title ?? "Learning outcome"))\(skill.isEmpty ? "" : " → ESCO \(v(skill))")")
            }
        }
        for c in r.checks {
            let mark: String
            switch c.status {
            case .ok where c.limitsTrust: mark = paint("!", "33")
            case .ok: mark = paint("✓", "32")
            case .error: mark = paint("✗", "31")
            case .skipped: mark = paint(c.limitsTrust ? "!" : "–", c.limitsTrust ? "33" : "2")
            }
            lines.append("\(indent)  \(mark) \(c.name.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(c.status.rawValue): \(v(c.reason))")
            for d in c.details { lines.append("\(indent)      \(paint(v(d), "2"))") }
            if c.status == .error {
                for p in c.problems.prefix(10) { lines.append("\(indent)      \(v(p.description))") }
            }
        }
        for e in r.embedded { lines.append(render(e, indent: indent + "    ")) }
        return lines.joined(separator: "\n")
    }

    /// Text safe to print on a terminal: C0 controls (line breaks and tabs included), DEL and C1 controls, and the
    /// Unicode bidirectional overrides and isolates are shown as visible stand-ins (`␛`, `␊`, `␡`, `\u{9B}`,
    /// `\u{202E}`), so a credential cannot move the cursor, recolour, retitle or hide lines, or reorder what is shown.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsStandIn) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            default:
                if needsStandIn(scalar) {
                    out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }

    /// C0, DEL, C1, the line and paragraph separators, and the bidi controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI).
    static func needsStandIn(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}

/// Renders the VC API's VerificationResult shape: `verified`, `errors` (RFC 9457 problem details), `warnings`,
/// per-check `results`, and skillcred's `verdict` in words.
///
/// The verdict is `verdict`, never `status`: the service sends a Failed result as an RFC 9457 problem document,
/// whose `status` is the HTTP status number, so one member name never carries two types.
public enum JSONReportRenderer {
    /// One report as a VerificationResult object.
    public static func json(_ r: VerificationReport) -> JSONValue {
        var o: JSONObject = [
            "verified": .bool(r.verified),
            "verdict": .string(r.status.rawValue),
            "source": .string(r.source),
            "kind": .string(r.kind.rawValue),
            "errors": .array(r.problems.map(\.jsonValue)),
        ]
        // Why a result is only partial: the checks that limit trust, in words (VC API "warnings").
        let warnings = r.checks.filter(\.limitsTrust).map { "\($0.name.rawValue): \($0.reason)" }
        if !warnings.isEmpty { o["warnings"] = .array(warnings.map { .string($0) }) }
        o["results"] = .array(
            r.checks.map { c in
                var e: JSONObject = [
                    "name": .string(c.name.rawValue), "check": .string(c.name.conceptURI),
                    "status": .string(c.status.rawValue), "reason": .string(c.reason),
                ]
                if c.limitsTrust { e["limitsTrust"] = .bool(true) }
                if !c.details.isEmpty { e["details"] = .array(c.details.map { .string($0) }) }
                if !c.problems.isEmpty { e["problemDetails"] = .array(c.problems.map(\.jsonValue)) }
                return .object(e)
            })
        if r.restsOnDemo { o["demo"] = .bool(true) }
        if let s = r.summary { o["credential"] = s.jsonValue }
        if !r.embedded.isEmpty { o["credentials"] = .array(r.embedded.map(json)) }
        return .object(o)
    }

    /// One object for one report, an array for several.
    public static func render(_ reports: [VerificationReport]) -> String {
        let value: JSONValue = reports.count == 1 ? json(reports[0]) : .array(reports.map(json))
        return JSONWriter.string(value, style: .pretty)
    }
}

/// A self-contained, accessible HTML report (inline CSS, headings, labelled data, AA contrast; everything escaped).
public enum HTMLReportRenderer {
    /// Escapes text for HTML element content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if ch.value < 0x20 && ch != "\n" && ch != "\t" {
                    out += "&#\(ch.value);"
                } else if ch.value >= 0x7F && TerminalRenderer.needsStandIn(ch) {
                    // DEL, C1 and bidi overrides: shown, never obeyed, so text cannot be reordered on the page.
                    out += "\\u{\(String(ch.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out
    }

    /// The report's styles; a page that embeds report sections (the service's web page) adds its own after them.
    public static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1a1a1a;background:#fff;line-height:1.5}
        h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:1.5rem}h3{font-size:1.1rem}
        .ribbon{padding:.6rem 1rem;border-radius:.3rem;font-weight:700;font-size:1.2rem;color:#fff}
        .verdict{display:inline-block;padding:.2rem .7rem;border-radius:.3rem;font-weight:700;color:#fff}
        .verified{background:#1b6e20}.partially-verified{background:#7a4b00}.failed{background:#a4161a}
        section.item{border:1px solid #767676;border-radius:.4rem;padding:1rem;margin:1rem 0}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
        table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;border-bottom:1px solid #b0b0b0;padding:.4rem}
        .st-ok{color:#1b6e20;font-weight:700}.st-error{color:#a4161a;font-weight:700}.st-skipped{color:#5c4400;font-weight:700}
        .detail{color:#3d3d3d;font-size:.9rem}code{word-break:break-all}
        """

    /// The whole page.
    public static func render(_ reports: [VerificationReport], generated: Date = Date()) -> String {
        var nextID = 0
        return head(overall: reports.map(\.status).max() ?? .failed, count: reports.count, generated: generated)
            + reports.map { section($0, nextID: &nextID) }.joined() + tail
    }

    /// The page up to its first item: title and heading with the overall result and the number of items. With
    /// ``section(_:nextID:)`` and ``tail``, a caller that verifies a long batch writes the page as it goes.
    public static func head(overall: OverallStatus, count: Int, generated: Date = Date()) -> String {
        var h =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>Credential verification: \(escape(overall.rawValue))</title>\n<style>\(css)</style>\n</head>\n<body>\n<main>\n"
        h +=
            "<h1>Credential verification report</h1>\n<p>Overall: <span class=\"verdict \(cls(overall))\">\(escape(overall.rawValue))</span> · \(count) item\(count == 1 ? "" : "s") · generated \(escape(XSDDateTime.format(generated)))</p>\n"
        return h
    }

    /// One item's section of the report file, headed by its achievement (or its source) and naming its source.
    public static func section(_ report: VerificationReport, nextID: inout Int) -> String {
        item(report, heading: report.summary?.achievement ?? report.source, level: 2, labels: .english, showSource: true, nextID: &nextID)
    }

    /// The end of the page.
    public static let tail = "</main>\n</body>\n</html>\n"

    /// The CSS class of a verdict.
    public static func cls(_ s: OverallStatus) -> String { s.rawValue.lowercased().replacingOccurrences(of: " ", with: "-") }

    /// One report as a `<section>`: verdict, what the credential says, every check with its reason and details, and
    /// the credentials it holds (a presentation's) as nested sections. The one renderer behind both the report
    /// file (`verify --html`) and the service's web page, in the language `labels` speaks. Headings get ids in
    /// document order from `nextID` (`item-1`, `item-2`, …), so ids are unique and a report renders the same page.
    public static func item(
        _ r: VerificationReport, heading: String, level: Int, labels: HTMLReportLabels,
        showSource: Bool = false, nextID: inout Int
    ) -> String {
        let hl = min(level, 6)
        nextID += 1
        let id = "item-\(nextID)"
        var h = "<section class=\"item\" aria-labelledby=\"\(id)\">\n<h\(hl) id=\"\(id)\">\(escape(heading))</h\(hl)>\n"
        h += "<p class=\"ribbon \(cls(r.status))\" role=\"status\">\(escape(labels.verdict(r.status)))</p>\n"
        if showSource { h += "<p class=\"detail\">\(escape(r.source)) — \(escape(r.kind.rawValue))</p>\n" }
        if let s = r.summary {
            h += "<dl>\n"
            func row(_ label: String, _ value: String?) {
                if let value, !value.isEmpty { h += "<dt>\(escape(label))</dt><dd>\(escape(value))</dd>\n" }
            }
            row(labels.learner, s.learner)
            row(labels.achievement, s.achievement)
            row(labels.description, s.achievementDescription)
            row(labels.criteria, s.criteria)
            for a in s.alignments { row(labels.alignment, CredentialSummary.line(for: a)) }
            for m in s.members { row(labels.includes, "\(m.achievement) (\(labels.verdict(m.verdict)))") }
            row(labels.awardingBody, s.awardingBody ?? s.issuer)
            row(labels.date, s.date)
            row(labels.eqfLevel, s.eqfLevel.map(String.init))
            if s.awardingBody != nil { row(labels.issuer, s.issuer) }
            h += "</dl>\n"
            if !s.outcomes.isEmpty {
                h += "<h\(min(hl + 1, 6))>\(escape(labels.outcomes))</h\(min(hl + 1, 6))>\n<ul>\n"
                for o in s.outcomes {
                    h += "<li>\(escape(o.title ?? labels.learningOutcome))"
                    if let u = o.skillURI { h += " — \(escape(labels.skill)): \(escape(o.skillLabel ?? "")) <code>\(escape(u))</code>" }
                    h += "</li>\n"
                }
                h += "</ul>\n"
            }
        }
        if !r.checks.isEmpty {
            h += "<table>\n<caption>\(escape(labels.overall)): \(escape(labels.verdict(r.status)))</caption>\n"
            h +=
                "<thead><tr><th scope=\"col\">\(escape(labels.check))</th><th scope=\"col\">\(escape(labels.result))</th><th scope=\"col\">\(escape(labels.reason))</th></tr></thead>\n<tbody>\n"
            for c in r.checks {
                let mark = c.status == .ok ? "✓ " : c.status == .error ? "✗ " : ""
                h +=
                    "<tr><th scope=\"row\">\(escape(labels.checkName(c.name)))</th><td class=\"st-\(c.status.rawValue.lowercased())\">\(mark)\(escape(labels.checkStatus(c.status)))</td><td>\(escape(c.reason))"
                let extra = c.details + (c.status == .error ? c.problems.map(\.description) : [])
                if !extra.isEmpty {
                    h += "<ul class=\"detail\">" + extra.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
                }
                h += "</td></tr>\n"
            }
            h += "</tbody>\n</table>\n"
        }
        for (i, sub) in r.embedded.enumerated() {
            h += item(sub, heading: "\(labels.credentialN) \(i + 1)", level: level + 1, labels: labels, showSource: false, nextID: &nextID)
        }
        return h + "</section>\n"
    }
}

/// The words of an HTML report, so the web page can show the same report in other languages (English here).
public struct HTMLReportLabels: Sendable {
    public var learner = "Learner", achievement = "Achievement", description = "Description", criteria = "Criteria"
    public var alignment = "Aligned to", includes = "Includes", awardingBody = "Awarding body", date = "Date", eqfLevel = "EQF level", issuer = "Issuer"
    public var outcomes = "Learning outcomes", learningOutcome = "Learning outcome", skill = "ESCO skill"
    public var overall = "Result", check = "Check", result = "Outcome", reason = "Why", credentialN = "Credential"
    /// A verdict in words.
    public var verdict: @Sendable (OverallStatus) -> String = { $0.rawValue }
    /// A check's name in words.
    public var checkName: @Sendable (CheckName) -> String = { $0.rawValue }
    /// A check's outcome in words.
    public var checkStatus: @Sendable (CheckStatus) -> String = { $0.rawValue }

    public init() {}

    /// The report file's words.
    public static let english = HTMLReportLabels()
}
