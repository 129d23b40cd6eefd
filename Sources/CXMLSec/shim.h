// libxmlsec1 (Debian: libxmlsec1-dev, the OpenSSL engine) and the libxml2 it works on, for verifying the XMLDSig
// signatures of ETSI TS 119 612 trusted lists. pkg-config (xmlsec1-openssl) gives the include paths and the defines
// the headers need (XMLSEC_NO_SIZE_T, XMLSEC_CRYPTO_OPENSSL, …), which fix the layout of xmlsec's structures.
//
// Swift cannot call xmlsec's function-like macros (xmlSecTransformEnvelopedId, …) nor read its incomplete-array
// constants (xmlSecNodeSignature, …), so the small inline wrappers below name them. They hold no cryptography and
// no canonicalization: every signature step is libxmlsec1's.
// SwiftPM drops the -D flags pkg-config gives (it allows only -I and -L from it), so the ones Debian's
// `pkg-config --cflags xmlsec1-openssl` prints are set here: XMLSEC_NO_SIZE_T in particular decides the size of
// xmlSecSize, and so the layout of every xmlsec structure Swift reads.
#ifndef XMLSEC_CRYPTO_OPENSSL
#define XMLSEC_NO_SIZE_T
#define XMLSEC_OPENSSL3_ENGINES 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_CRYPTO_OPENSSL 1
#define __XMLSEC_FUNCTION__ __func__
#endif
// libxml2 is built with ICU, whose headers clash with Foundation's copy of ICU in one Swift module. Nothing here uses
// libxml2's ICU converters (only pointers to the structures that hold them), so its ICU declarations are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysdata.h>
#include <xmlsec/transforms.h>
#include <xmlsec/errors.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>

/// The first <ds:Signature> child of `parent` (an enveloped signature is a child of the signed list's root).
static inline xmlNodePtr cxmlsec_signature_child(xmlNodePtr parent) {
    return xmlSecFindChild(parent, xmlSecNodeSignature, xmlSecDSigNs);
}

/// Restricts a signature context to what an enveloped XAdES signature on a trusted list needs: references to the
/// whole document or to an element of it (never a file or URL), only the enveloped and canonicalization transforms
/// (no XPath, XSLT or base64 transforms, whose cost and reach an attacker would choose), SHA-2 digests and RSA or
/// ECDSA signatures with SHA-2 (no SHA-1, no HMAC: a key-less MAC would "verify" with any announced certificate).
static inline int cxmlsec_restrict(xmlSecDSigCtxPtr ctx) {
    ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
    xmlSecTransformId references[] = {
        xmlSecTransformEnvelopedId,
        xmlSecTransformInclC14NId, xmlSecTransformInclC14NWithCommentsId,
        xmlSecTransformInclC14N11Id, xmlSecTransformInclC14N11WithCommentsId,
        xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId,
        xmlSecOpenSSLTransformSha256Id, xmlSecOpenSSLTransformSha384Id, xmlSecOpenSSLTransformSha512Id,
    };
    for (size_t i = 0; i < sizeof(references) / sizeof(references[0]); i++) {
        if (xmlSecDSigCtxEnableReferenceTransform(ctx, references[i]) < 0) return -1;
    }
    xmlSecTransformId signedInfo[] = {
        xmlSecTransformInclC14NId, xmlSecTransformInclC14NWithCommentsId,
        xmlSecTransformInclC14N11Id, xmlSecTransformInclC14N11WithCommentsId,
        xmlSecTransformExclC14NId, xmlSecTransformExclC14NWithCommentsId,
        xmlSecOpenSSLTransformRsaSha256Id, xmlSecOpenSSLTransformRsaSha384Id, xmlSecOpenSSLTransformRsaSha512Id,
        xmlSecOpenSSLTransformEcdsaSha256Id, xmlSecOpenSSLTransformEcdsaSha384Id, xmlSecOpenSSLTransformEcdsaSha512Id,
    };
    for (size_t i = 0; i < sizeof(signedInfo) / sizeof(signedInfo[0]); i++) {
        if (xmlSecDSigCtxEnableSignatureTransform(ctx, signedInfo[i]) < 0) return -1;
    }
    return 0;
}

/// Whether the signature was checked and found good (xmlSecDSigStatusSucceeded).
static inline int cxmlsec_succeeded(xmlSecDSigCtxPtr ctx) {
    return ctx->status == xmlSecDSigStatusSucceeded;
}

/// The number of <ds:Reference> elements of the signature's SignedInfo, and the URI of one of them.
static inline xmlSecSize cxmlsec_reference_count(xmlSecDSigCtxPtr ctx) {
    return xmlSecPtrListGetSize(&ctx->signedInfoReferences);
}
static inline const xmlChar *cxmlsec_reference_uri(xmlSecDSigCtxPtr ctx, xmlSecSize index) {
    xmlSecDSigReferenceCtxPtr ref = (xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&ctx->signedInfoReferences, index);
    return ref == NULL ? NULL : ref->uri;
}
/// Whether a reference's digest matched (its status).
static inline int cxmlsec_reference_succeeded(xmlSecDSigCtxPtr ctx, xmlSecSize index) {
    xmlSecDSigReferenceCtxPtr ref = (xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&ctx->signedInfoReferences, index);
    return ref != NULL && ref->status == xmlSecDSigStatusSucceeded;
}

/// A key holding only the public key of a DER certificate, for checking a signature with that certificate's key.
static inline xmlSecKeyPtr cxmlsec_key_from_certificate(const unsigned char *der, size_t length) {
    return xmlSecOpenSSLAppKeyLoadMemory(der, (xmlSecSize)length, xmlSecKeyDataFormatCertDer, NULL, NULL, NULL);
}

/// Registers the `Id` attributes of the document as XML IDs, so a XAdES reference `#id` (the SignedProperties)
/// resolves. The list's own content is covered by the whole-document reference, which the caller requires.
static inline void cxmlsec_add_ids(xmlDocPtr doc) {
    static const xmlChar *ids[] = { BAD_CAST "Id", NULL };
    xmlSecAddIDs(doc, xmlDocGetRootElement(doc), ids);
}

/// libxml2's deallocator (a global function pointer, which Swift 6 will not read directly).
static inline void cxmlsec_free(void *pointer) {
    xmlFree(pointer);
}

/// Whether the libxmlsec1 loaded at run time is ABI-compatible with the headers (and the defines above) this was
/// compiled against: 1 when it is.
static inline int cxmlsec_abi_compatible(void) {
    return xmlSecCheckVersionExt(XMLSEC_VERSION_MAJOR, XMLSEC_VERSION_MINOR, XMLSEC_VERSION_SUBMINOR, xmlSecCheckVersionABICompatible);
}
