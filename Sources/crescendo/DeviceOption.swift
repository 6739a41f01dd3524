import ArgumentParser
import Torch
import Training

/// `--device cpu|cuda|cuda:N`, shared by the commands that run models. It overrides the
/// configuration's `device` key; under `crescendo launch` a CUDA device means cuda:LOCAL_RANK.
struct DeviceOption: ParsableArguments {
    @Option(help: ArgumentHelp("Where to run: cpu, cuda or cuda:N (default: the configuration's device, else cpu). Under launch, cuda is cuda:LOCAL_RANK on each rank.",
                               valueName: "device"),
            transform: { try Device(parsing: $0) })
    var device: Device?

    /// The device to run on, checked to be usable here (``DeviceSelection``); `configured` is
    /// the configuration's value, `key` its name in errors (commands without a configuration
    /// pass neither: only `--device` can ask for a device there).
    func resolve(configured: Device? = nil, key: String = "device",
                 environment: DistributedEnvironment = .single) throws -> Device {
        try DeviceSelection.resolve(option: device, configured: configured, key: key, environment: environment)
    }
}
