// The DataIntegrity module; see Package.swift for its job.
