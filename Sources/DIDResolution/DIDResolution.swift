// The DIDResolution module; see Package.swift for its job.
