// The RDFCanonicalization module; see Package.swift for its job.
