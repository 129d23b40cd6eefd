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
            func row(_ label: String, _ value: String?) { if let value { lines.append("\(indent)  \(label.padding(toLength: 15, withPad: " ", startingAt: 0)) \(v(value))") } }
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
        o["results"] = .array(r.checks.map { c in
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

    static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a;background:#fff;line-height:1.5}
    h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem}
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
        head(overall: reports.map(\.status).max() ?? .failed, count: reports.count, generated: generated)
            + reports.map(section).joined() + tail
    }

    /// The page up to its first item: title and heading with the overall result and the number of items. With
    /// ``section(_:)`` and ``tail``, a caller that verifies a long batch writes the page as it goes.
    public static func head(overall: OverallStatus, count: Int, generated: Date = Date()) -> String {
        var h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>Credential verification: \(escape(overall.rawValue))</title>\n<style>\(css)</style>\n</head>\n<body>\n<main>\n"
        h += "<h1>Credential verification report</h1>\n<p>Overall: <span class=\"verdict \(cls(overall))\">\(escape(overall.rawValue))</span> · \(count) item\(count == 1 ? "" : "s") · generated \(escape(XSDDateTime.format(generated)))</p>\n"
        return h
    }

    /// One item's section of the page.
    public static func section(_ report: VerificationReport) -> String { item(report, level: 2) }

    /// The end of the page.
    public static let tail = "</main>\n</body>\n</html>\n"

    static func cls(_ s: OverallStatus) -> String { s.rawValue.lowercased().replacingOccurrences(of: " ", with: "-") }

    static func item(_ r: VerificationReport, level: Int) -> String {
        let hl = min(level, 6)
        var h = "<section class=\"item\" aria-label=\"\(escape(r.source))\">\n<h\(hl)>\(escape(r.summary?.achievement ?? r.source))</h\(hl)>\n"
        h += "<p><span class=\"verdict \(cls(r.status))\">\(escape(r.status.rawValue))</span> <span class=\"detail\">\(escape(r.source)) — \(escape(r.kind.rawValue))</span></p>\n"
        if let s = r.summary {
            h += "<dl>\n"
            func row(_ label: String, _ value: String?) { if let value { h += "<dt>\(escape(label))</dt><dd>\(escape(value))</dd>\n" } }
            row("Learner", s.learner)
            row("Achievement", s.achievement)
            row("Description", s.achievementDescription)
            row("Criteria", s.criteria)
            for a in s.alignments { row("Aligned to", CredentialSummary.line(for: a)) }
            for m in s.members { row("Includes", "\(m.achievement) (\(m.verdict.rawValue))") }
            row("Awarding body", s.awardingBody)
            row("Date", s.date)
            row("EQF level", s.eqfLevel.map(String.init))
            row("Issuer", s.issuer)
            h += "</dl>\n"
            if !s.outcomes.isEmpty {
                h += "<h\(min(hl + 1, 6))>Learning outcomes</h\(min(hl + 1, 6))>\n<ul>\n"
                for o in s.outcomes {
                    h += "<li>\(escape(o.title ?? "Learning outcome"))"
                    if let u = o.skillURI { h += " — ESCO skill \(escape(o.skillLabel ?? "")) <code>\(escape(u))</code>" }
                    h += "</li>\n"
                }
                h += "</ul>\n"
            }
        }
        h += "<table>\n<caption class=\"detail\">Checks</caption>\n<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Status</th><th scope=\"col\">Why</th></tr></thead>\n<tbody>\n"
        for c in r.checks {
            h += "<tr><th scope=\"row\">\(escape(c.name.rawValue))</th><td class=\"st-\(c.status.rawValue.lowercased())\">\(c.status == .ok ? "✓ " : c.status == .error ? "✗ " : "")\(escape(c.status.rawValue))</td><td>\(escape(c.reason))"
            let extra = c.details + (c.status == .error ? c.problems.map(\.description) : [])
            if !extra.isEmpty {
                h += "<ul class=\"detail\">" + extra.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
            }
            h += "</td></tr>\n"
        }
        h += "</tbody>\n</table>\n"
        for e in r.embedded { h += item(e, level: level + 1) }
        return h + "</section>\n"
    }
}
