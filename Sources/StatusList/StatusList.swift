// Bitstring Status List (W3C Recommendation 2025): see Bitstring, StatusListEntry,
// StatusListCredentialBuilder and StatusListChecker.
