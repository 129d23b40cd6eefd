// The PKCS#11 (Cryptoki 2.40) types and constants, from p11-kit's header (Debian: libp11-kit-dev). The token's
// module is never linked: it is loaded at run time with dlopen (see PKCS11Keys/PKCS11Module.swift).
#include <p11-kit/pkcs11.h>
