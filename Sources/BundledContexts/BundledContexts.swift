// The BundledContexts module; see Package.swift for its job.
