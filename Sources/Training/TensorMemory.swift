import Torch

/// The commands that run models for long (train, pipeline, study, pseudo-label, predict) keep
/// freed tensor memory for reuse: without the caching allocator, every batch page-faults and
/// zero-fills its activations anew (1.4 M page faults and a third of the CPU time in system
/// calls when pseudo-labelling 0.27 h of audio with resnet-s; docs/NOTES.md, "Session 5").
public enum TensorMemory {
    public static func enableCaching() throws {
        if !CachingAllocator.isEnabled { try CachingAllocator.enable() }
    }
}
