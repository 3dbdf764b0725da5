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
  'NV-A10': 'https://www.nvidia.com/en-us/data-center/products/a10-gpu/ (A10 datasheet: 24 GB GDDR6, 600 GB/s, BF16 125/250 TFLOPS)',
  'NV-L40': 'https://www.nvidia.com/en-us/data-center/l40/ (L40 datasheet: 48 GB GDDR6, 864 GB/s, BF16 181/362, FP8 362/724 TFLOPS)',
  'NV-RTX6000ADA': 'https://www.nvidia.com/en-us/design-visualization/rtx-6000/ (RTX 6000 Ada datasheet: 48 GB GDDR6, 960 GB/s, 1,457 FP8 TFLOPS sparse)',
  'NV-A6000': 'https://www.nvidia.com/en-us/design-visualization/rtx-a6000/ (RTX A6000 datasheet: 48 GB GDDR6, 768 GB/s, 309.7 tensor TFLOPS sparse)',
  'NV-ADA': 'NVIDIA Ada GPU architecture whitepaper v2.1, appendix A table 2 (GeForce RTX 4090: 24 GB GDDR6X, 1008 GB/s, FP16/BF16 165.2, FP8 330.3 TFLOPS dense, FP32 accumulate)',
  'NV-GH200': 'https://www.nvidia.com/en-us/data-center/grace-hopper-superchip/ (GH200 datasheet: 96 GB HBM3 at 4 TB/s; H100 tensor cores: BF16 989, FP8 1,979 TFLOPS dense)',
  'NV-H20': 'NVIDIA H20 product brief (96 GB HBM3, 4.0 TB/s, FP16/BF16 148, FP8 296 TFLOPS dense)',
  'AMD-MI325X': 'https://www.amd.com/en/products/accelerators/instinct/mi300/mi325x.html (256 GB HBM3E, 6 TB/s, FP16/BF16 1,307.4, FP8 2,614.9 TFLOPS dense)',
  'NEURON-TRN2':
    'aws-neuron/aws-neuron-sdk general/arch/neuron-hardware/trainium2.rst and trn2-arch.rst (8 NeuronCore-v3, 96 GiB HBM at 2.9 TB/s, BF16 667, FP8 1,299 TFLOPS dense per chip); https://aws.amazon.com/ec2/instance-types/trn2/',
  'AWS-TRN2':
    'https://aws.amazon.com/ec2/instance-types/trn2/ (trn2.48xlarge: 16 Trainium2 chips, 1.5 TB HBM, 192 vCPU, 2 TiB memory, 4 x 1.9 TB NVMe, 3.2 Tbps EFAv3); KP-IT lists trn2.48xlarge (trainium2, 16 devices / 128 NeuronCores) with no price in KP-PRICE',
  D7: 'catalog-facts.md D7: software-visible memory totals (nvidia-smi minus Reserved; PyTorch/vLLM total)',
};
