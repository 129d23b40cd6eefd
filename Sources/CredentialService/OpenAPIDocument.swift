import CredentialIssuance
import CredentialRegistry
import CredentialVerification
import DataIntegrity

/// The service's own OpenAPI 3 document, served at `/openapi.yaml`. A test checks that its paths and the
/// router's routes are the same set, and every enum is written from the Swift type the service parses or answers
/// it with, so the document cannot drift from what the server does.
public enum OpenAPIDocument {
    /// A YAML flow list's items.
    private static func list(_ values: [String]) -> String { values.joined(separator: ", ") }

    public static let yaml = """
        openapi: 3.0.3
        info:
          title: skillcred service
          version: 0.1.0
          description: >-
            Issues W3C VC 2.0 credentials with a Data Integrity proof (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019,
            ecdsa-jcs-2019) and Europass EDCs sealed with JAdES, from a credential or from a template and a recipient
            record; verifies credentials
            and presentations (Europass EDC with JAdES seals, Data Integrity, VC-JOSE), changes credential status and
            serves Bitstring Status List credentials. Request and response shapes follow the W3C VC API (VCALM).
            Errors are RFC 9457 problem details (application/problem+json), except at the OpenID4VCI 1.0 endpoints
            (/openid4vci/token, /nonce, /credential), which answer OAuth errors ({"error", "error_description"}) as that
            specification requires. The service is also an OpenID4VCI 1.0 credential issuer (pre-authorized code flow)
            delivering SD-JWT VCs (dc+sd-jwt), VC 2.0 (ldp_vc) and VC 1.1 JWTs (jwt_vc_json) to wallets from credential offers.
        components:
          securitySchemes:
            bearer:
              type: http
              scheme: bearer
              description: A token from `skillcred tokens create --scope issue|status`.
            accessToken:
              type: http
              scheme: bearer
              description: An OpenID4VCI access token from /openid4vci/token.
          schemas:
            OAuthError:
              type: object
              description: An OAuth 2.0 / OpenID4VCI 1.0 error (RFC 6749 §5.2, OpenID4VCI §6.3, §8.3.1.2).
              required: [error]
              properties:
                error:
                  type: string
                  enum: [invalid_request, invalid_grant, unsupported_grant_type, invalid_token, invalid_credential_request,
                         unknown_credential_configuration, unknown_credential_identifier, invalid_proof, invalid_nonce,
                         credential_request_denied, server_error]
                error_description: {type: string}
            Problem:
              type: object
              properties:
                type: {type: string}
                title: {type: string}
                status: {type: integer}
                code: {type: string}
                detail: {type: string}
                instance: {type: string, description: JSON path of the member concerned}
            IssueOptions:
              type: object
              properties:
                format:
                  type: string
                  enum: [\(IssueFormat.allCases.map(\.rawValue).joined(separator: ", "))]
                  default: vc2
                  description: edc-jades only with template + recipient (a posted credential with edc-jades → 422).
                cryptosuite:
                  type: string
                  enum: [\(Cryptosuite.allCases.map(\.rawValue).joined(separator: ", "))]
                  default: eddsa-rdfc-2022
                  description: vc2 only; unknown → 422 with instance $.options.cryptosuite.
                type: {type: string, enum: [\(ProofSuite.dataIntegrity(.eddsaRdfc2022).proofType)]}
            VerificationMembers:
              type: object
              properties:
                verified: {type: boolean}
                errors: {type: array, items: {$ref: '#/components/schemas/Problem'}, description: why it is not Verified, as RFC 9457 problem details}
                warnings: {type: array, items: {type: string}}
                results:
                  type: array
                  items:
                    type: object
                    properties:
                      name: {type: string, enum: [\(list(CheckName.allCases.map(\.rawValue)))]}
                      status: {type: string, enum: [\(list(CheckStatus.allCases.map(\.rawValue)))]}
                      reason: {type: string}
                credential: {type: object, description: the credential summarised for a person}
                credentials: {type: array, items: {type: object}, description: per credential of a presentation}
            VerificationResult:
              allOf:
                - $ref: '#/components/schemas/VerificationMembers'
                - type: object
                  properties:
                    verdict: {type: string, enum: [\(list(OverallStatus.allCases.map(\.rawValue)))]}
            FailedVerification:
              description: >-
                The result of a Failed verification as an RFC 9457 problem: the same members as a VerificationResult,
                with the problem's own (`type`, `title`, `status` 422, `detail`) beside them; the verdict is always
                `verdict`, never `status`.
              allOf:
                - $ref: '#/components/schemas/VerificationMembers'
                - type: object
                  properties:
                    verified: {type: boolean, enum: [false]}
                    verdict: {type: string, enum: [\(OverallStatus.failed.rawValue)]}
                    status: {type: integer, enum: [422]}
                    type: {type: string}
                    title: {type: string}
                    detail: {type: string}
          parameters:
            ListPurpose: {name: purpose, in: path, required: true, schema: {type: string, enum: [\(list(StatusAllocationPolicy.standardPurposes))]}}
            ListNumber: {name: number, in: path, required: true, schema: {type: integer, minimum: 0}}
            OfferID: {name: id, in: path, required: true, schema: {type: string}}
          responses:
            OAuthError:
              description: An OAuth 2.0 / OpenID4VCI error; 401 invalid_token carries WWW-Authenticate.
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/OAuthError'}
            Offer:
              description: The learner's offer (the transaction code only on creation).
              content:
                application/json:
                  schema:
                    type: object
                    required: [learner, offerId, credentialOfferURI, offerLink, page, configurations, credentialId, expiresAt, created]
                    properties:
                      learner: {type: string}
                      offerId: {type: string}
                      credentialOfferURI: {type: string}
                      offerLink: {type: string}
                      page: {type: string}
                      qrSVG: {type: string}
                      qrPNG: {type: string}
                      configurations: {type: array, items: {type: string}}
                      credentialId: {type: string}
                      expiresAt: {type: string}
                      created: {type: boolean}
                      txCode: {type: string}
            Problem:
              description: >-
                A problem (400 bad JSON or too deep, 401 no or bad token, 403 wrong scope, 413 body too large or with
                too many values, 415 not the documented media type, 422 refused, 429 rate limited, 503 too many
                verifications waiting). A routed path asked with a method it does not have answers 405 with Allow.
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
        paths:
          /credentials/issue:
            post:
              summary: >-
                Issue a credential from a posted VC 2.0 credential, or from a template and one recipient record, with
                status entries served by this service (VC 2.0 revocation + suspension; EDC revocation).
              description: >-
                EdDSA suites issue as the service's Ed25519 did:key, ECDSA suites as its P-256 did:key; EDCs are
                sealed with the service's e-seal (the issuer's name, country and eIDAS identifier come from the seal
                certificate). Issuing from a template is idempotent per template id + recipient id + format: the
                first request answers 201, a repeat 200 with the stored credential unchanged.
              security: [{bearer: [issue]}]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      oneOf:
                        - type: object
                          required: [credential]
                          properties:
                            credential:
                              type: object
                              description: "A VC 2.0 credential without proof or credentialStatus; issuer absent or equal to the did:key of the suite's key."
                              required: ['@context', type, credentialSubject]
                              properties:
                                '@context': {type: array, minItems: 1, description: "https://www.w3.org/ns/credentials/v2 first"}
                                type: {type: array, minItems: 1, description: VerifiableCredential and more}
                            options: {$ref: '#/components/schemas/IssueOptions'}
                        - type: object
                          required: [template, recipient]
                          properties:
                            template:
                              description: >-
                                A template object (the format of samples/templates/*.json; display.image a data: URI or
                                the file name of an image in the service's template folder), or the name of a template
                                in DATA_DIR/templates (NAME.json; NAME matches [A-Za-z0-9._-]+, unknown → 404).
                              oneOf:
                                - {type: object}
                                - {type: string, pattern: '^[A-Za-z0-9._-]{1,128}$'}
                            recipient:
                              type: object
                              description: >-
                                One recipient, with the columns of a recipients CSV row (string or number values). A bad
                                field → 422 whose instance names it, e.g. $.recipient.dateOfBirth; errors lists every problem.
                              required: [id, givenName, familyName]
                              properties:
                                id: {type: string, pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$'}
                                givenName: {type: string}
                                familyName: {type: string}
                                dateOfBirth: {type: string, format: date}
                                email: {type: string, format: email}
                                grade: {type: string}
                                date: {type: string, format: date, description: the awarding date}
                              additionalProperties: {type: string, description: "free columns the template's {{placeholders}} use"}
                            options: {$ref: '#/components/schemas/IssueOptions'}
              responses:
                '200':
                  description: This template + recipient id + format was issued before; the stored credential, unchanged.
                  content:
                    application/json:
                      schema: {type: object, properties: {verifiableCredential: {type: object}}}
                '201':
                  description: >-
                    The issued credential: a VC 2.0 credential with its proof, or for edc-jades the JAdES document
                    (JWS JSON with the EDC as unencoded payload) exactly as `skillcred issue` writes it.
                  content:
                    application/json:
                      schema: {type: object, properties: {verifiableCredential: {type: object}}}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
                '403': {$ref: '#/components/responses/Problem'}
                '404': {$ref: '#/components/responses/Problem'}
                '409': {$ref: '#/components/responses/Problem'}
                '413': {$ref: '#/components/responses/Problem'}
                '422': {$ref: '#/components/responses/Problem'}
          /credentials/verify:
            post:
              summary: Verify a credential. 200 when Verified or Partially verified; 422 when Failed.
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [verifiableCredential]
                      properties:
                        verifiableCredential: {description: a credential object, or a compact VC-JOSE JWT string}
                        options: {type: object}
              responses:
                '200':
                  description: Verified or partially verified.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/VerificationResult'}
                '400': {$ref: '#/components/responses/Problem'}
                '413': {$ref: '#/components/responses/Problem'}
                '422':
                  description: Verification failed; the problem carries the VerificationResult members.
                  content:
                    application/problem+json:
                      schema: {$ref: '#/components/schemas/FailedVerification'}
                '429': {$ref: '#/components/responses/Problem'}
                '503': {$ref: '#/components/responses/Problem'}
          /presentations/verify:
            post:
              summary: Verify a presentation and each credential in it. 200 unless Failed (422).
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [verifiablePresentation]
                      properties:
                        verifiablePresentation:
                          type: object
                          required: ['@context', type]
                          properties:
                            '@context': {type: array, minItems: 1}
                            type: {description: VerifiablePresentation, alone or in an array}
                        options: {type: object, properties: {challenge: {type: string}, domain: {type: string}}}
              responses:
                '200':
                  description: Verified or partially verified.
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/VerificationResult'}
                '400': {$ref: '#/components/responses/Problem'}
                '413': {$ref: '#/components/responses/Problem'}
                '422':
                  description: Verification failed.
                  content:
                    application/problem+json:
                      schema: {$ref: '#/components/schemas/FailedVerification'}
                '429': {$ref: '#/components/responses/Problem'}
                '503': {$ref: '#/components/responses/Problem'}
          /credentials/status:
            post:
              summary: Revoke, suspend or reinstate a credential this service issued.
              security: [{bearer: [status]}]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [credentialId]
                      anyOf:
                        - required: [action]
                        - required: [credentialStatus, status]
                      properties:
                        credentialId: {type: string}
                        action: {type: string, enum: [\(list(StatusAction.allCases.map(\.rawValue)))]}
                        credentialStatus:
                          type: object
                          required: [statusPurpose]
                          properties: {statusPurpose: {type: string, enum: [\(list(StatusAllocationPolicy.standardPurposes))]}}
                        status: {type: boolean, description: "VC API form: with credentialStatus.statusPurpose, true sets and false clears the bit"}
                        reason: {type: string}
              responses:
                '200':
                  description: The change (changed is false when the bit already had that value).
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          credentialId: {type: string}
                          action: {type: string}
                          changed: {type: boolean}
                          statusListCredential: {type: string}
                          statusListIndex: {type: string}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
                '403': {$ref: '#/components/responses/Problem'}
                '404': {$ref: '#/components/responses/Problem'}
                '422': {$ref: '#/components/responses/Problem'}
          /status-lists/{purpose}/{number}:
            get:
              summary: The Ed25519 issuer's signed BitstringStatusListCredential; Cache-Control max-age follows its ttl.
              parameters:
                - {$ref: '#/components/parameters/ListPurpose'}
                - {$ref: '#/components/parameters/ListNumber'}
              responses:
                '200':
                  description: The status list credential.
                  content:
                    application/vc+ld+json:
                      schema: {type: object}
                '404': {$ref: '#/components/responses/Problem'}
          /status-lists/issuers/{issuer}/{purpose}/{number}:
            get:
              summary: >-
                A status list of the service's other issuers (P-256 did:key, signed with ecdsa-rdfc-2019; the EDC seal's
                organisation, which has no Data Integrity key: sealed with JAdES by the service's e-seal, as its EDCs are,
                served as the JWS JSON document whose payload is the list credential).
              parameters:
                - {name: issuer, in: path, required: true, schema: {type: string}, description: "the issuer's id with characters other than letters, digits, '.', '_', '-' replaced by '-'"}
                - {$ref: '#/components/parameters/ListPurpose'}
                - {$ref: '#/components/parameters/ListNumber'}
              responses:
                '200':
                  description: The status list credential (a DID issuer's), or the JAdES document sealing it (the EDC issuer's).
                  content:
                    application/vc+ld+json:
                      schema: {type: object}
                    application/jose+json:
                      schema: {type: object}
                '404': {$ref: '#/components/responses/Problem'}
          /.well-known/openid-credential-issuer:
            get:
              summary: >-
                OpenID4VCI 1.0 credential issuer metadata (the issuer identifier is the service's public URL). For a public
                URL with a path, it is also served at /.well-known/openid-credential-issuer/<path> (well-known segment
                inserted before the path).
              responses:
                '200':
                  description: Credential issuer metadata.
                  content:
                    application/json:
                      schema: {type: object, required: [credential_issuer, credential_endpoint, credential_configurations_supported]}
          /.well-known/oauth-authorization-server:
            get:
              summary: RFC 8414 metadata of the issuer's own authorization server (pre-authorized code grant only); path insertion as above.
              responses:
                '200':
                  description: Authorization server metadata.
                  content:
                    application/json:
                      schema: {type: object, required: [issuer, token_endpoint]}
          /openid4vci/token:
            post:
              summary: Token endpoint, pre-authorized code grant (single use code, optional tx_code; the access token is bound to the offer).
              requestBody:
                required: true
                content:
                  application/x-www-form-urlencoded:
                    schema:
                      type: object
                      required: [grant_type, pre-authorized_code]
                      properties:
                        grant_type: {type: string, enum: ['urn:ietf:params:oauth:grant-type:pre-authorized_code']}
                        pre-authorized_code: {type: string}
                        tx_code: {type: string}
              responses:
                '200':
                  description: Access token.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [access_token, token_type, expires_in]
                        properties:
                          access_token: {type: string}
                          token_type: {type: string}
                          expires_in: {type: integer}
                '400': {$ref: '#/components/responses/OAuthError'}
                '429': {$ref: '#/components/responses/Problem'}
                '503': {$ref: '#/components/responses/OAuthError'}
          /openid4vci/nonce:
            post:
              summary: A fresh c_nonce for key proofs (single use, stored in the registry).
              responses:
                '200':
                  description: The nonce.
                  content:
                    application/json:
                      schema: {type: object, required: [c_nonce], properties: {c_nonce: {type: string}}}
                '429': {$ref: '#/components/responses/Problem'}
                '503': {$ref: '#/components/responses/OAuthError'}
          /openid4vci/credential:
            post:
              summary: >-
                Credential endpoint: one credential of an offered configuration, bound to the key of a jwt proof
                (typ openid4vci-proof+jwt, ES256 or EdDSA, jwk or did:key/did:jwk kid, aud = issuer, fresh iat, a c_nonce).
              security: [{accessToken: []}]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [credential_configuration_id]
                      properties:
                        credential_configuration_id: {type: string, enum: [learning_achievement_dc_sd_jwt, learning_achievement_ldp_vc, learning_achievement_jwt_vc_json]}
                        proofs:
                          type: object
                          required: [jwt]
                          properties:
                            jwt: {type: array, minItems: 1, maxItems: 1, items: {type: string}}
              responses:
                '200':
                  description: The credential (an SD-JWT VC or a jwt_vc_json string, or a VC 2.0 object).
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [credentials]
                        properties:
                          credentials:
                            type: array
                            items: {type: object, required: [credential], properties: {credential: {}}}
                '400': {$ref: '#/components/responses/OAuthError'}
                '401': {$ref: '#/components/responses/OAuthError'}
                '429': {$ref: '#/components/responses/Problem'}
                '503': {$ref: '#/components/responses/OAuthError'}
          /openid4vci/offers:
            post:
              summary: >-
                One learner's credential offer from a template and a recipient record (as POST /credentials/issue takes
                them); idempotent per template id and learner id (201 made, 200 the stored offer).
              security: [{bearer: []}]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [template, recipient]
                      properties:
                        template:
                          oneOf:
                            - {type: string}
                            - {type: object}
                        recipient: {type: object, additionalProperties: {type: string}}
                        formats: {type: array, minItems: 1, items: {type: string, enum: [dc+sd-jwt, ldp_vc, jwt_vc_json, learning_achievement_dc_sd_jwt, learning_achievement_ldp_vc, learning_achievement_jwt_vc_json]}}
                        txCode: {type: boolean}
              responses:
                '200': {$ref: '#/components/responses/Offer'}
                '201': {$ref: '#/components/responses/Offer'}
                '400': {$ref: '#/components/responses/Problem'}
                '401': {$ref: '#/components/responses/Problem'}
                '403': {$ref: '#/components/responses/Problem'}
                '404': {$ref: '#/components/responses/Problem'}
                '413': {$ref: '#/components/responses/Problem'}
                '422': {$ref: '#/components/responses/Problem'}
                '503': {$ref: '#/components/responses/Problem'}
          /openid4vci/offers/{id}:
            get:
              summary: The credential offer behind credential_offer_uri (it carries the pre-authorized code; never cached).
              parameters:
                - {$ref: '#/components/parameters/OfferID'}
              responses:
                '200':
                  description: Credential offer.
                  content:
                    application/json:
                      schema: {type: object, required: [credential_issuer, credential_configuration_ids, grants]}
                '404': {$ref: '#/components/responses/Problem'}
          /openid4vci/offers/{id}/qr.svg:
            get:
              summary: The offer link as a QR code (SVG, libqrencode).
              parameters:
                - {$ref: '#/components/parameters/OfferID'}
              responses:
                '200':
                  description: SVG.
                  content:
                    image/svg+xml:
                      schema: {type: string}
                '404': {$ref: '#/components/responses/Problem'}
          /openid4vci/offers/{id}/qr.png:
            get:
              summary: The offer link as a QR code (PNG, libqrencode).
              parameters:
                - {$ref: '#/components/parameters/OfferID'}
              responses:
                '200':
                  description: PNG.
                  content:
                    image/png:
                      schema: {type: string, format: binary}
                '404': {$ref: '#/components/responses/Problem'}
          /offers/{id}:
            get:
              summary: The learner's page for an offer, the QR code with the link under it (`?lang=en|fr`).
              parameters:
                - {$ref: '#/components/parameters/OfferID'}
                - {name: lang, in: query, required: false, schema: {type: string}}
              responses:
                '200':
                  description: HTML.
                  content:
                    text/html:
                      schema: {type: string}
                '404': {$ref: '#/components/responses/Problem'}
          /status-lists/token/{purpose}/{number}:
            get:
              summary: >-
                The IETF Token Status List (statuslist+jwt) of the SD-JWT VCs, mirroring the Ed25519 issuer's revocation
                list bit for bit (1 bit per entry).
              parameters:
                - {$ref: '#/components/parameters/ListPurpose'}
                - {$ref: '#/components/parameters/ListNumber'}
              responses:
                '200':
                  description: The status list token.
                  content:
                    application/statuslist+jwt:
                      schema: {type: string}
                '404': {$ref: '#/components/responses/Problem'}
          /vct/learning-achievement/v1:
            get:
              summary: SD-JWT VC Type Metadata of skillcred's learning achievement type (the vct of its SD-JWT VCs).
              responses:
                '200':
                  description: Type metadata.
                  content:
                    application/json:
                      schema: {type: object, required: [vct]}
          /healthz:
            get:
              summary: Liveness.
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {type: object, properties: {status: {type: string}}}
          /openapi.yaml:
            get:
              summary: This document.
              responses:
                '200':
                  description: OpenAPI 3 YAML.
                  content:
                    application/yaml:
                      schema: {type: string}
          /:
            get:
              summary: The web page (HTML form; `?lang=en|fr`, else Accept-Language).
              parameters:
                - name: lang
                  in: query
                  required: false
                  description: en or fr; any other value is a preference the page cannot meet, and Accept-Language decides.
                  schema: {type: string}
              responses:
                '200':
                  description: HTML.
                  content:
                    text/html:
                      schema: {type: string}
            post:
              summary: Verify an uploaded file or pasted JSON (multipart/form-data fields `file`, `json`) and render the report for a person.
              requestBody:
                required: true
                content:
                  multipart/form-data:
                    schema:
                      type: object
                      properties:
                        file: {type: string, format: binary}
                        json: {type: string}
              responses:
                '200':
                  description: HTML report (also for a failed verification, which the page shows as Failed).
                  content:
                    text/html:
                      schema: {type: string}
                '400':
                  description: >-
                    Nothing submitted, or JSON nested too deeply (the page again, with the message); a body that is not
                    well-formed multipart, or a boundary over RFC 2046's 70 characters (a problem).
                  content:
                    text/html:
                      schema: {type: string}
                    application/problem+json:
                      schema: {$ref: '#/components/schemas/Problem'}
                '413': {$ref: '#/components/responses/Problem'}
                '415': {$ref: '#/components/responses/Problem'}
                '429': {$ref: '#/components/responses/Problem'}
                '503': {$ref: '#/components/responses/Problem'}

        """
}
