// The JSONLD module; see Package.swift for its job.
