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

    func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    func badge(_ status: OverallStatus) -> String {
        switch status {
        case .verified: return paint("✓ Verified", "1;32")
        case .partiallyVerified: return paint("◐ Partially verified", "1;33")
        case .failed: return paint("✗ Failed", "1;31")
        }
    }

    func render(_ report: VerificationReport, indent: String) -> String {
        // Everything that comes from the input (file names, credential text, reasons quoting it) goes through
        // `visible`, so only this renderer ever writes control sequences to the terminal.
        let visible = Self.visible
        let demo = report.restsOnDemo ? "  " + paint("DEMO: trust rests on public demo keys", "1;33") : ""
        var lines = ["\(indent)\(badge(report.status))\(demo)  \(visible(report.source))  (\(report.kind.rawValue))"]
        if let summary = report.summary {
            func row(_ label: String, _ value: String?) {
                if let value { lines.append("\(indent)  \(label.padding(toLength: 15, withPad: " ", startingAt: 0)) \(visible(value))") }
            }
            row("Learner:", summary.learner)
            row("Achievement:", summary.achievement)
            row("Description:", summary.achievementDescription)
            row("Criteria:", summary.criteria)
            for alignment in summary.alignments { row("Aligned to:", CredentialSummary.line(for: alignment)) }
            for member in summary.members { row("Includes:", "\(member.achievement) (\(member.verdict.rawValue))") }
            row("Awarding body:", summary.awardingBody)
            row("Date:", summary.date)
            row("EQF level:", summary.eqfLevel.map(String.init))
            for outcome in summary.outcomes {
                let skill = [outcome.skillLabel.map { "“\($0)”" }, outcome.skillURI].compactMap { $0 }.joined(separator: " ")
                lines.append("\(indent)  • \(visible(outcome.title ?? "Learning outcome"))\(skill.isEmpty ? "" : " → ESCO \(visible(skill))")")
            }
        }
        for check in report.checks {
            let mark: String
            switch check.status {
            case .ok where check.limitsTrust: mark = paint("!", "33")
            case .ok: mark = paint("✓", "32")
            case .error: mark = paint("✗", "31")
            case .skipped: mark = paint(check.limitsTrust ? "!" : "–", check.limitsTrust ? "33" : "2")
            }
            lines.append(
                "\(indent)  \(mark) \(check.name.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(check.status.rawValue): \(visible(check.reason))"
            )
            for detail in check.details { lines.append("\(indent)      \(paint(visible(detail), "2"))") }
            if check.status == .error {
                for problem in check.problems.prefix(10) { lines.append("\(indent)      \(visible(problem.description))") }
            }
        }
        for embedded in report.embedded { lines.append(render(embedded, indent: indent + "    ")) }
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
    public static func json(_ report: VerificationReport) -> JSONValue {
        var object: JSONObject = [
            "verified": .bool(report.verified),
            "verdict": .string(report.status.rawValue),
            "source": .string(report.source),
            "kind": .string(report.kind.rawValue),
            "errors": .array(report.problems.map(\.jsonValue)),
        ]
        // Why a result is only partial: the checks that limit trust, in words (VC API "warnings").
        let warnings = report.checks.filter(\.limitsTrust).map { "\($0.name.rawValue): \($0.reason)" }
        if !warnings.isEmpty { object["warnings"] = .array(warnings.map { .string($0) }) }
        object["results"] = .array(
            report.checks.map { check in
                var entry: JSONObject = [
                    "name": .string(check.name.rawValue), "check": .string(check.name.conceptURI),
                    "status": .string(check.status.rawValue), "reason": .string(check.reason),
                ]
                if check.limitsTrust { entry["limitsTrust"] = .bool(true) }
                if !check.details.isEmpty { entry["details"] = .array(check.details.map { .string($0) }) }
                if !check.problems.isEmpty { entry["problemDetails"] = .array(check.problems.map(\.jsonValue)) }
                return .object(entry)
            })
        if report.restsOnDemo { object["demo"] = .bool(true) }
        if let summary = report.summary { object["credential"] = summary.jsonValue }
        if !report.embedded.isEmpty { object["credentials"] = .array(report.embedded.map(json)) }
        return .object(object)
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
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
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
        var html =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<title>Credential verification: \(escape(overall.rawValue))</title>\n<style>\(css)</style>\n</head>\n<body>\n<main>\n"
        html +=
            "<h1>Credential verification report</h1>\n<p>Overall: <span class=\"verdict \(cls(overall))\">\(escape(overall.rawValue))</span> · \(count) item\(count == 1 ? "" : "s") · generated \(escape(XSDDateTime.format(generated)))</p>\n"
        return html
    }

    /// One item's section of the report file, headed by its achievement (or its source) and naming its source.
    public static func section(_ report: VerificationReport, nextID: inout Int) -> String {
        item(report, heading: report.summary?.achievement ?? report.source, level: 2, labels: .english, showSource: true, nextID: &nextID)
    }

    /// The end of the page.
    public static let tail = "</main>\n</body>\n</html>\n"

    /// The CSS class of a verdict.
    public static func cls(_ status: OverallStatus) -> String { status.rawValue.lowercased().replacingOccurrences(of: " ", with: "-") }

    /// One report as a `<section>`: verdict, what the credential says, every check with its reason and details, and
    /// the credentials it holds (a presentation's) as nested sections. The one renderer behind both the report
    /// file (`verify --html`) and the service's web page, in the language `labels` speaks. Headings get ids in
    /// document order from `nextID` (`item-1`, `item-2`, …), so ids are unique and a report renders the same page.
    public static func item(
        _ report: VerificationReport, heading: String, level: Int, labels: HTMLReportLabels,
        showSource: Bool = false, nextID: inout Int
    ) -> String {
        let hl = min(level, 6)
        nextID += 1
        let id = "item-\(nextID)"
        var html = "<section class=\"item\" aria-labelledby=\"\(id)\">\n<h\(hl) id=\"\(id)\">\(escape(heading))</h\(hl)>\n"
        html += "<p class=\"ribbon \(cls(report.status))\" role=\"status\">\(escape(labels.verdict(report.status)))</p>\n"
        if showSource { html += "<p class=\"detail\">\(escape(report.source)) — \(escape(report.kind.rawValue))</p>\n" }
        if let summary = report.summary {
            html += "<dl>\n"
            func row(_ label: String, _ value: String?) {
                if let value, !value.isEmpty { html += "<dt>\(escape(label))</dt><dd>\(escape(value))</dd>\n" }
            }
            row(labels.learner, summary.learner)
            row(labels.achievement, summary.achievement)
            row(labels.description, summary.achievementDescription)
            row(labels.criteria, summary.criteria)
            for alignment in summary.alignments { row(labels.alignment, CredentialSummary.line(for: alignment)) }
            for member in summary.members { row(labels.includes, "\(member.achievement) (\(labels.verdict(member.verdict)))") }
            row(labels.awardingBody, summary.awardingBody ?? summary.issuer)
            row(labels.date, summary.date)
            row(labels.eqfLevel, summary.eqfLevel.map(String.init))
            if summary.awardingBody != nil { row(labels.issuer, summary.issuer) }
            html += "</dl>\n"
            if !summary.outcomes.isEmpty {
                html += "<h\(min(hl + 1, 6))>\(escape(labels.outcomes))</h\(min(hl + 1, 6))>\n<ul>\n"
                for outcome in summary.outcomes {
                    html += "<li>\(escape(outcome.title ?? labels.learningOutcome))"
                    if let uri = outcome.skillURI { html += " — \(escape(labels.skill)): \(escape(outcome.skillLabel ?? "")) <code>\(escape(uri))</code>" }
                    html += "</li>\n"
                }
                html += "</ul>\n"
            }
        }
        if !report.checks.isEmpty {
            html += "<table>\n<caption>\(escape(labels.overall)): \(escape(labels.verdict(report.status)))</caption>\n"
            html +=
                "<thead><tr><th scope=\"col\">\(escape(labels.check))</th><th scope=\"col\">\(escape(labels.result))</th><th scope=\"col\">\(escape(labels.reason))</th></tr></thead>\n<tbody>\n"
            for check in report.checks {
                let mark = check.status == .ok ? "✓ " : check.status == .error ? "✗ " : ""
                html +=
                    "<tr><th scope=\"row\">\(escape(labels.checkName(check.name)))</th><td class=\"st-\(check.status.rawValue.lowercased())\">\(mark)\(escape(labels.checkStatus(check.status)))</td><td>\(escape(check.reason))"
                let extra = check.details + (check.status == .error ? check.problems.map(\.description) : [])
                if !extra.isEmpty {
                    html += "<ul class=\"detail\">" + extra.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
                }
                html += "</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        for (index, sub) in report.embedded.enumerated() {
            html += item(sub, heading: "\(labels.credentialN) \(index + 1)", level: level + 1, labels: labels, showSource: false, nextID: &nextID)
        }
        return html + "</section>\n"
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
