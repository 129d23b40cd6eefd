// The Multiformats module; see Package.swift for its job.
