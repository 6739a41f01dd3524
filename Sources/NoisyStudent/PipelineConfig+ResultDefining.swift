extension PipelineConfig {
    /// The configuration as far as it decides what a run computes, for the fingerprints of
    /// committed results: without where it ran (runs directory; device — a result made on a GPU
    /// stands for the CPU's).
    var resultDefining: PipelineConfig {
        var c = self
        c.runsDirectory = ""
        c.device = nil
        return c
    }
}
