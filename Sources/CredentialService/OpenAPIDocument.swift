/// The service's own OpenAPI 3 document, served at `/openapi.yaml`. A test checks that its paths and the
/// router's routes are the same set, so the document cannot drift from what the server does.
public enum OpenAPIDocument {
    public static let yaml = """
    openapi: 3.0.3
    info:
      title: skillcred service
      version: 0.1.0
      description: >-
        Issues W3C VC 2.0 credentials secured with eddsa-rdfc-2022 as the configured issuer, verifies credentials
        and presentations (Europass EDC with JAdES seals, Data Integrity, VC-JOSE), changes credential status and
        serves Bitstring Status List credentials. Request and response shapes follow the W3C VC API (VCALM).
        Errors are RFC 9457 problem details (application/problem+json).
    components:
      securitySchemes:
        bearer:
          type: http
          scheme: bearer
          description: A token from `skillcred tokens create --scope issue|status`.
      schemas:
        Problem:
          type: object
          properties:
            type: {type: string}
            title: {type: string}
            status: {type: integer}
            code: {type: string}
            detail: {type: string}
            instance: {type: string, description: JSON path of the member concerned}
        VerificationResult:
          type: object
          properties:
            verified: {type: boolean}
            status: {type: string, enum: [Verified, Partially verified, Failed]}
            problemDetails: {type: array, items: {type: object}}
            warnings: {type: array, items: {type: string}}
            results:
              type: array
              items:
                type: object
                properties:
                  name: {type: string, enum: [Format, Seal, Owner, Revocation, Accreditation, Validity]}
                  status: {type: string, enum: [OK, Error, Skipped]}
                  reason: {type: string}
            credential: {type: object, description: the credential summarised for a person}
            credentials: {type: array, items: {type: object}, description: per credential of a presentation}
      responses:
        Problem:
          description: A problem (400 bad JSON or too deep, 401 no or bad token, 403 wrong scope, 413 body too large, 422 refused, 429 rate limited).
          content:
            application/problem+json:
              schema: {$ref: '#/components/schemas/Problem'}
    paths:
      /credentials/issue:
        post:
          summary: Issue a credential as the service's issuer (eddsa-rdfc-2022), with revocation and suspension status entries.
          security: [{bearer: [issue]}]
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [credential]
                  properties:
                    credential: {type: object, description: "A VC 2.0 credential without proof or credentialStatus; issuer absent or equal to the service's issuer."}
                    options: {type: object, properties: {cryptosuite: {type: string, enum: [eddsa-rdfc-2022]}}}
          responses:
            '201':
              description: The issued credential.
              content:
                application/json:
                  schema: {type: object, properties: {verifiableCredential: {type: object}}}
            '400': {$ref: '#/components/responses/Problem'}
            '401': {$ref: '#/components/responses/Problem'}
            '403': {$ref: '#/components/responses/Problem'}
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
              description: Verification failed; the problem carries the VerificationResult members and `errors`.
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/VerificationResult'}
            '429': {$ref: '#/components/responses/Problem'}
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
                    verifiablePresentation: {type: object}
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
                  schema: {$ref: '#/components/schemas/VerificationResult'}
            '429': {$ref: '#/components/responses/Problem'}
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
                  properties:
                    credentialId: {type: string}
                    action: {type: string, enum: [revoke, suspend, reinstate]}
                    credentialStatus: {type: object, properties: {statusPurpose: {type: string, enum: [revocation, suspension]}}}
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
          summary: The signed BitstringStatusListCredential; Cache-Control max-age follows its ttl.
          parameters:
            - {name: purpose, in: path, required: true, schema: {type: string, enum: [revocation, suspension]}}
            - {name: number, in: path, required: true, schema: {type: integer, minimum: 0}}
          responses:
            '200':
              description: The status list credential.
              content:
                application/vc+ld+json:
                  schema: {type: object}
            '404': {$ref: '#/components/responses/Problem'}
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
            - {name: lang, in: query, required: false, schema: {type: string, enum: [en, fr]}}
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
              description: Nothing submitted, or JSON nested too deeply (HTML).
              content:
                text/html:
                  schema: {type: string}
            '413': {$ref: '#/components/responses/Problem'}
            '429': {$ref: '#/components/responses/Problem'}

    """
}
