import CredentialJSON
import CredentialVerification
import Foundation
import Hummingbird
import WebForm

/// The page people use: upload or paste a credential (or a wallet export) and read the report.
/// Server-rendered, works without JavaScript, English and French.
enum WebPage {
    enum Language: String, CaseIterable { case en, fr }

    enum Key {
        case title, intro, fileLabel, pasteLabel, submit, nothingGiven, tooDeep, overall, check, result, reason
        case learner, achievement, description, criteria, alignment, awardingBody, date, outcomes, skill, another, items, credentialN, language, noSummary
        case eqfLevel, issuer, learningOutcome, includes
        case verified, partial, failed, ok, error, skipped
        case format, seal, owner, revocation, accreditation, validity
    }

    static func text(_ key: Key, _ lang: Language) -> String {
        let en: String, fr: String
        switch key {
        case .title: en = "Check a learning credential"; fr = "Vérifier un titre d’apprentissage"
        case .intro:
            en = "Upload a credential file or a wallet export, or paste its JSON. Nothing is stored."
            fr = "Déposez un fichier de titre ou un export de portefeuille, ou collez son JSON. Rien n’est conservé."
        case .fileLabel: en = "Credential file"; fr = "Fichier du titre"
        case .pasteLabel: en = "Or paste the credential (JSON)"; fr = "Ou collez le titre (JSON)"
        case .submit: en = "Verify"; fr = "Vérifier"
        case .nothingGiven: en = "Choose a file or paste a credential first."; fr = "Choisissez d’abord un fichier ou collez un titre."
        case .tooDeep: en = "The JSON is nested too deeply to be a credential."; fr = "Le JSON est trop imbriqué pour être un titre."
        case .overall: en = "Result"; fr = "Résultat"
        case .check: en = "Check"; fr = "Contrôle"
        case .result: en = "Outcome"; fr = "Issue"
        case .reason: en = "Why"; fr = "Motif"
        case .learner: en = "Learner"; fr = "Apprenant"
        case .achievement: en = "Achievement"; fr = "Acquis"
        case .awardingBody: en = "Awarding body"; fr = "Organisme de délivrance"
        case .date: en = "Date"; fr = "Date"
        case .eqfLevel: en = "EQF level"; fr = "Niveau CEC"
        case .includes: en = "Includes"; fr = "Comprend"
        case .issuer: en = "Issuer"; fr = "Émetteur"
        case .learningOutcome: en = "Learning outcome"; fr = "Acquis d’apprentissage"
        case .outcomes: en = "Learning outcomes"; fr = "Acquis d’apprentissage"
        case .skill: en = "ESCO skill"; fr = "Compétence ESCO"
        case .description: en = "Description"; fr = "Description"
        case .criteria: en = "Criteria"; fr = "Critères"
        case .alignment: en = "Aligned to"; fr = "Aligné sur"
        case .another: en = "Check another credential"; fr = "Vérifier un autre titre"
        case .items: en = "credentials in this file"; fr = "titres dans ce fichier"
        case .credentialN: en = "Credential"; fr = "Titre"
        case .language: en = "Language"; fr = "Langue"
        case .noSummary: en = "The content could not be read."; fr = "Le contenu n’a pas pu être lu."
        case .verified: en = "Verified"; fr = "Vérifié"
        case .partial: en = "Partially verified"; fr = "Partiellement vérifié"
        case .failed: en = "Failed"; fr = "Échec"
        case .ok: en = "Passed"; fr = "Réussi"
        case .error: en = "Failed"; fr = "Échec"
        case .skipped: en = "Not checked"; fr = "Non contrôlé"
        case .format: en = "Format"; fr = "Format"
        case .seal: en = "Seal"; fr = "Cachet"
        case .owner: en = "Owner"; fr = "Titulaire"
        case .revocation: en = "Revocation"; fr = "Révocation"
        case .accreditation: en = "Accreditation"; fr = "Accréditation"
        case .validity: en = "Validity"; fr = "Validité"
        }
        return lang == .fr ? fr : en
    }

    /// `?lang=` first, then the best `Accept-Language` match, else English.
    static func language(for request: Request) -> Language {
        if let requested = request.uri.queryParameters.get("lang"), let language = Language(rawValue: requested) { return language }
        let header = request.headers[.acceptLanguage] ?? ""
        var best: (Language, Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { continue }
            let weight = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            guard let language = Language(rawValue: String(tag.prefix(2))) else { continue }
            if best == nil || weight > best!.1 { best = (language, weight) }
        }
        return best?.0 ?? .en
    }

    /// The form's styles, after the report's (``HTMLReportRenderer/css``), which the result sections use.
    static let css =
        HTMLReportRenderer.css + """

            label{display:block;font-weight:600;margin-top:1rem}textarea{width:100%;min-height:10rem;font-family:monospace}
            button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem;background:#0b4f8a;color:#fff;border:0;border-radius:.3rem}
            button:focus,a:focus,textarea:focus,input:focus{outline:3px solid #f2a900;outline-offset:2px}
            .message{background:#fff3cd;border:1px solid #7a4b00;padding:.5rem}nav a{margin-right:1rem}
            """

    static func escaped(_ text: String) -> String { HTMLReportRenderer.escape(text) }

    static func page(_ lang: Language, title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        sizedPage(lang, title: title, body: body, status: status).response
    }

    /// The page and its size in bytes (the service bounds the size of what it answers).
    static func sizedPage(_ lang: Language, title: String, body: String, status: HTTPResponse.Status = .ok) -> (response: Response, size: Int) {
        var html = "<!DOCTYPE html>\n<html lang=\"\(lang.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n"
        html +=
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>\(escaped(title))</title>\n<style>\(css)</style>\n</head>\n<body>\n"
        html +=
            "<nav aria-label=\"\(escaped(text(.language, lang)))\"><a href=\"/?lang=en\" hreflang=\"en\" lang=\"en\">English</a><a href=\"/?lang=fr\" hreflang=\"fr\" lang=\"fr\">Français</a></nav>\n"
        html += "<main>\n\(body)</main>\n</body>\n</html>\n"
        let response = Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
                .init("X-Content-Type-Options")!: "nosniff",
            ], body: .init(byteBuffer: ByteBuffer(string: html)))
        return (response, html.utf8.count)
    }

    static func formHTML(_ lang: Language) -> String {
        """
        <form method="post" action="/?lang=\(lang.rawValue)" enctype="multipart/form-data">
        <label for="file">\(escaped(text(.fileLabel, lang)))</label>
        <input type="file" id="file" name="file" accept=".json,.jsonld,application/json,application/ld+json">
        <label for="json">\(escaped(text(.pasteLabel, lang)))</label>
        <textarea id="json" name="json" spellcheck="false"></textarea>
        <button type="submit">\(escaped(text(.submit, lang)))</button>
        </form>

        """
    }

    static func form(language lang: Language, message: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var html = "<h1>\(escaped(text(.title, lang)))</h1>\n<p>\(escaped(text(.intro, lang)))</p>\n"
        if let message { html += "<p class=\"message\" role=\"alert\">\(escaped(message))</p>\n" }
        html += formHTML(lang)
        return page(lang, title: text(.title, lang), body: html, status: status)
    }

    static func label(_ status: OverallStatus, _ lang: Language) -> String {
        switch status {
        case .verified: return text(.verified, lang)
        case .partiallyVerified: return text(.partial, lang)
        case .failed: return text(.failed, lang)
        }
    }

    static func cls(_ status: OverallStatus) -> String { HTMLReportRenderer.cls(status) }

    static func checkName(_ name: CheckName, _ lang: Language) -> String {
        switch name {
        case .format: return text(.format, lang)
        case .seal: return text(.seal, lang)
        case .owner: return text(.owner, lang)
        case .revocation: return text(.revocation, lang)
        case .accreditation: return text(.accreditation, lang)
        case .validity: return text(.validity, lang)
        }
    }

    /// The report's words in the page's language.
    static func labels(_ lang: Language) -> HTMLReportLabels {
        var reportLabels = HTMLReportLabels()
        reportLabels.learner = text(.learner, lang); reportLabels.achievement = text(.achievement, lang); reportLabels.description = text(.description, lang)
        reportLabels.criteria = text(.criteria, lang); reportLabels.alignment = text(.alignment, lang); reportLabels.includes = text(.includes, lang);
        reportLabels.awardingBody = text(.awardingBody, lang)
        reportLabels.date = text(.date, lang); reportLabels.eqfLevel = text(.eqfLevel, lang); reportLabels.issuer = text(.issuer, lang)
        reportLabels.outcomes = text(.outcomes, lang); reportLabels.learningOutcome = text(.learningOutcome, lang); reportLabels.skill = text(.skill, lang)
        reportLabels.overall = text(.overall, lang); reportLabels.check = text(.check, lang); reportLabels.result = text(.result, lang);
        reportLabels.reason = text(.reason, lang)
        reportLabels.credentialN = text(.credentialN, lang)
        reportLabels.verdict = { label($0, lang) }
        reportLabels.checkName = { checkName($0, lang) }
        reportLabels.checkStatus = { status in
            switch status {
            case .ok: return text(.ok, lang)
            case .error: return text(.error, lang)
            case .skipped: return text(.skipped, lang)
            }
        }
        return reportLabels
    }

    static func result(_ reports: [VerificationReport], language lang: Language) -> (response: Response, size: Int) {
        let overall = reports.map(\.status).max() ?? .failed
        var html = "<h1>\(escaped(text(.title, lang)))</h1>\n"
        let demo = reports.contains(where: \.restsOnDemo) ? " — DEMO: trust rests on public demo keys" : ""
        html +=
            "<p class=\"ribbon \(cls(overall))\" role=\"status\" id=\"overall\">\(escaped(text(.overall, lang))): \(escaped(label(overall, lang)))\(escaped(demo))</p>\n"
        let count = reports.reduce(0) { $0 + max(1, $1.embedded.count) }
        if count > 1 { html += "<p>\(count) \(escaped(text(.items, lang)))</p>\n" }
        var nextID = 0
        let words = labels(lang)
        for (index, report) in reports.enumerated() {
            html += HTMLReportRenderer.item(report, heading: "\(text(.credentialN, lang)) \(index + 1)", level: 2, labels: words, nextID: &nextID)
        }
        html += "<h2>\(escaped(text(.another, lang)))</h2>\n" + formHTML(lang)
        return sizedPage(lang, title: "\(label(overall, lang)) — \(text(.title, lang))", body: html)
    }

    /// The submitted credential: the uploaded file when one was chosen, else the pasted text.
    /// Accepts `multipart/form-data` and `application/x-www-form-urlencoded`; a JSON body is taken as it is.
    static func decodeForm(_ body: [UInt8], contentType: String) throws -> [UInt8]? {
        let lower = contentType.lowercased()
        if lower.hasPrefix("application/json") || lower.hasPrefix("application/ld+json") { return body }
        if lower.hasPrefix("application/x-www-form-urlencoded") {
            for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.first == "json", kv.count == 2 {
                    return Array((String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "").utf8)
                }
            }
            return nil
        }
        // The boundary and the multipart body are read by WebForm (a small target the fuzzer can build);
        // its errors become the same 400 problems.
        do {
            guard let boundary = try FormFields.boundary(contentType: contentType) else {
                throw ServiceProblem(status: 415, code: "unsupportedMediaType", title: "Unsupported media type", detail: "send the form as multipart/form-data")
            }
            return try FormFields.parse(body, boundary: boundary)
        } catch let error as WebFormError {
            switch error.code {
            case .invalidBoundary: throw ServiceProblem.badRequest("invalidBoundary", error.message)
            case .invalidMultipart: throw ServiceProblem.badRequest("invalidMultipart", error.message)
            case .duplicateField: throw ServiceProblem.badRequest("duplicateField", error.message)
            }
        }
    }
}

extension WebPage {
    /// A learner's offer: the QR code a wallet scans, the link under it (for a wallet on the same phone), and
    /// what the learner needs to know (the transaction code, the expiry).
    static func offerPage(link: String, svg: String, expiresAt: Date, redeemed: Bool, needsTxCode: Bool, language lang: Language) -> Response {
        let fr = lang == .fr
        var html = "<h1>\(fr ? "Votre attestation pour votre portefeuille" : "Your credential for your wallet")</h1>\n"
        html +=
            "<p>\(escaped(fr ? "Scannez ce code avec votre portefeuille numérique (EUDI, Learner Credential Wallet, walt.id…)." : "Scan this code with your digital wallet (EUDI wallet, Learner Credential Wallet, walt.id…)."))</p>\n"
        html += "<figure class=\"offer-qr\" role=\"img\" aria-label=\"\(escaped(fr ? "Code QR de l’offre" : "QR code of the offer"))\">\(svg)</figure>\n"
        html +=
            "<p>\(escaped(fr ? "Sur ce téléphone, ouvrez le lien :" : "On this phone, open the link:"))<br><a href=\"\(escaped(link))\" class=\"offer-link\" style=\"word-break: break-all\">\(escaped(link))</a></p>\n"
        if needsTxCode {
            html +=
                "<p>\(escaped(fr ? "Votre portefeuille vous demandera le code envoyé séparément par votre école." : "Your wallet will ask for the code your school sent you separately."))</p>\n"
        }
        if redeemed {
            html +=
                "<p class=\"message\">\(escaped(fr ? "Cette offre a déjà été reçue par un portefeuille." : "A wallet has already received this offer."))</p>\n"
        } else {
            html += "<p>\(escaped((fr ? "Valable jusqu’au " : "Valid until ") + XSDDateTime.format(expiresAt)))</p>\n"
        }
        return page(lang, title: fr ? "Offre d’attestation" : "Credential offer", body: html)
    }
}
