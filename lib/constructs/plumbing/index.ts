export { DEFAULT_PLUMBING_NAMESPACE, type PlumbingTarget } from './target';
export { nvidiaDevicePlugin, NVIDIA_DEVICE_PLUGIN_IMAGE, type GpuSharing, type NvidiaDevicePluginOptions } from './nvidia-device-plugin';
export { NFD_FEATURES_DIR } from './gpu-feature-discovery';
export { dcgmExporter, DCGM_EXPORTER_IMAGE } from './dcgm-exporter';
export { nvidiaRuntimeClass, NVIDIA_RUNTIME_CLASS } from './runtime-class';
export { neuronDevicePlugin, NEURON_DEVICE_PLUGIN_IMAGE } from './neuron-device-plugin';
