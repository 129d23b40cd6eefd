// The JSONLDToRDF module; see Package.swift for its job.
