// The KeyManagement module; see Package.swift for its job.
