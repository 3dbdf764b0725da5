/**
 * Source keys cited by catalog entries (`sources: [...]`), as listed in test/fixtures/catalog-facts/catalog-facts.md.
 * Kept as data so that `llm-constructs catalog` and the docs can print where a figure comes from.
 */
export const SOURCES: Readonly<Record<string, string>> = {
  'NV-T4': 'https://www.nvidia.com/en-us/data-center/tesla-t4/ (datasheet)',
  'NV-V100': 'https://www.nvidia.com/en-us/data-center/v100/ (datasheet)',
  'NV-A100': 'https://www.nvidia.com/en-us/data-center/a100/ (datasheet)',
  'NV-L4': 'https://www.nvidia.com/en-us/data-center/l4/ (datasheet)',
  'NV-L40S': 'https://www.nvidia.com/en-us/data-center/l40s/ (datasheet)',
  'NV-H100': 'https://www.nvidia.com/en-us/data-center/h100/ (datasheet); https://glennklockwood.com/garden/processors/h100',
  'NV-H200': 'https://www.nvidia.com/en-us/data-center/h200/ (datasheet)',
  'NV-B200': 'https://www.nvidia.com/en-us/data-center/hgx/ ; https://glennklockwood.com/garden/processors/B200',
  A10G: 'https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/ ; https://aws.amazon.com/ec2/instance-types/g5/',
  'NV-CC': 'https://developer.nvidia.com/cuda-gpus ; https://developer.nvidia.com/cuda-legacy-gpus',
  GFD: 'NVIDIA/k8s-device-plugin internal/lm/resource.go and docs/gpu-feature-discovery/README.md (v0.20.0)',
  'NVML-NAMES': 'https://docs.runpod.io/references/gpu-types ; NVIDIA/open-gpu-kernel-modules README.md',
  MIG: 'NVIDIA/mig-parted deployments/systemd/config-default.yaml ; https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html',
  AMD: 'https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html ; https://rocm.docs.amd.com/en/latest/reference/gpu-arch-specs.html ; https://github.com/ROCm/k8s-device-plugin',
  NEURON: 'aws-neuron/aws-neuron-sdk general/arch/neuron-hardware/inferentia2.rst, trainium.rst, inf2-arch.rst, trn1-arch.rst',
  'KP-IT': 'aws/karpenter-provider-aws website/content/en/docs/reference/instance-types.md @ v1.14.1',
  'KP-IT v1.11': 'aws/karpenter-provider-aws website/content/en/v1.11/reference/instance-types.md @ v1.14.1',
  'KP-LBL': 'aws/karpenter-provider-aws pkg/apis/v1/labels.go and website/content/en/docs/concepts/scheduling.md @ v1.14.1',
  'KP-PRICE': 'aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go @ v1.14.1 (us-east-1, generated 2026-07-06)',
  D7: 'catalog-facts.md D7: software-visible memory totals (nvidia-smi minus Reserved; PyTorch/vLLM total)',
};
