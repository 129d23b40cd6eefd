// The JAdES module; see Package.swift for its job.
