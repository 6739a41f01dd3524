import ArgumentParser
import Models

// `evaluate` and `predict` take the aggregation by its configuration name (mean, max, log_mean).
extension ChunkAggregation: ExpressibleByArgument {}
