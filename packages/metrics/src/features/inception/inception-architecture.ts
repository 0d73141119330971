/**
 * torchvision's Inception-V3 (Szegedy et al. 2016) up to its pool3 features, as pytorch-fid builds
 * it for FID (fid_inception_v3: Mixed_5b-d FIDInceptionA, Mixed_6b-e FIDInceptionC, Mixed_7b
 * FIDInceptionE_1, Mixed_7c FIDInceptionE_2): every convolution is a BasicConv2d (conv without bias,
 * BatchNorm with eps 1e-3, ReLU) named as in the state dict.
 */

/** One BasicConv2d: `<name>.conv.weight` [out, in, kh, kw] and `<name>.bn.{weight,bias,running_mean,running_var}`. */
export interface ConvSpec {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: readonly [number, number];
  readonly stride: number;
  /** Zeros added above and below, left and right (torch's padding=(ph, pw)). */
  readonly padding: readonly [number, number];
}

export const BN_EPS = 1e-3;
export const INCEPTION_SIZE = 299;
export const INCEPTION_DIM = 2048;

const conv = (name: string, inChannels: number, outChannels: number, kernel: number | [number, number], options: { stride?: number; padding?: number | [number, number] } = {}): ConvSpec => {
  const k: [number, number] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
  const p = options.padding ?? 0;
  return { name, inChannels, outChannels, kernel: k, stride: options.stride ?? 1, padding: typeof p === 'number' ? [p, p] : p };
};

/** The blocks in order; each block's convolutions in the order its branches are concatenated. */
export type InceptionBlock =
  | { readonly kind: 'stem'; readonly convs: readonly ConvSpec[] }
  | { readonly kind: 'A' | 'C' | 'E1' | 'E2' | 'B' | 'D'; readonly name: string; readonly convs: Readonly<Record<string, ConvSpec>> };

const blockA = (name: string, c: number, pool: number) => ({
  kind: 'A' as const,
  name,
  convs: {
    branch1x1: conv(`${name}.branch1x1`, c, 64, 1),
    branch5x5_1: conv(`${name}.branch5x5_1`, c, 48, 1),
    branch5x5_2: conv(`${name}.branch5x5_2`, 48, 64, 5, { padding: 2 }),
    branch3x3dbl_1: conv(`${name}.branch3x3dbl_1`, c, 64, 1),
    branch3x3dbl_2: conv(`${name}.branch3x3dbl_2`, 64, 96, 3, { padding: 1 }),
    branch3x3dbl_3: conv(`${name}.branch3x3dbl_3`, 96, 96, 3, { padding: 1 }),
    branch_pool: conv(`${name}.branch_pool`, c, pool, 1),
  },
});

const blockB = (name: string, c: number) => ({
  kind: 'B' as const,
  name,
  convs: {
    branch3x3: conv(`${name}.branch3x3`, c, 384, 3, { stride: 2 }),
    branch3x3dbl_1: conv(`${name}.branch3x3dbl_1`, c, 64, 1),
    branch3x3dbl_2: conv(`${name}.branch3x3dbl_2`, 64, 96, 3, { padding: 1 }),
    branch3x3dbl_3: conv(`${name}.branch3x3dbl_3`, 96, 96, 3, { stride: 2 }),
  },
});

const blockC = (name: string, c: number, c7: number) => ({
  kind: 'C' as const,
  name,
  convs: {
    branch1x1: conv(`${name}.branch1x1`, c, 192, 1),
    branch7x7_1: conv(`${name}.branch7x7_1`, c, c7, 1),
    branch7x7_2: conv(`${name}.branch7x7_2`, c7, c7, [1, 7], { padding: [0, 3] }),
    branch7x7_3: conv(`${name}.branch7x7_3`, c7, 192, [7, 1], { padding: [3, 0] }),
    branch7x7dbl_1: conv(`${name}.branch7x7dbl_1`, c, c7, 1),
    branch7x7dbl_2: conv(`${name}.branch7x7dbl_2`, c7, c7, [7, 1], { padding: [3, 0] }),
    branch7x7dbl_3: conv(`${name}.branch7x7dbl_3`, c7, c7, [1, 7], { padding: [0, 3] }),
    branch7x7dbl_4: conv(`${name}.branch7x7dbl_4`, c7, c7, [7, 1], { padding: [3, 0] }),
    branch7x7dbl_5: conv(`${name}.branch7x7dbl_5`, c7, 192, [1, 7], { padding: [0, 3] }),
    branch_pool: conv(`${name}.branch_pool`, c, 192, 1),
  },
});

const blockD = (name: string, c: number) => ({
  kind: 'D' as const,
  name,
  convs: {
    branch3x3_1: conv(`${name}.branch3x3_1`, c, 192, 1),
    branch3x3_2: conv(`${name}.branch3x3_2`, 192, 320, 3, { stride: 2 }),
    branch7x7x3_1: conv(`${name}.branch7x7x3_1`, c, 192, 1),
    branch7x7x3_2: conv(`${name}.branch7x7x3_2`, 192, 192, [1, 7], { padding: [0, 3] }),
    branch7x7x3_3: conv(`${name}.branch7x7x3_3`, 192, 192, [7, 1], { padding: [3, 0] }),
    branch7x7x3_4: conv(`${name}.branch7x7x3_4`, 192, 192, 3, { stride: 2 }),
  },
});

const blockE = (kind: 'E1' | 'E2', name: string, c: number) => ({
  kind,
  name,
  convs: {
    branch1x1: conv(`${name}.branch1x1`, c, 320, 1),
    branch3x3_1: conv(`${name}.branch3x3_1`, c, 384, 1),
    branch3x3_2a: conv(`${name}.branch3x3_2a`, 384, 384, [1, 3], { padding: [0, 1] }),
    branch3x3_2b: conv(`${name}.branch3x3_2b`, 384, 384, [3, 1], { padding: [1, 0] }),
    branch3x3dbl_1: conv(`${name}.branch3x3dbl_1`, c, 448, 1),
    branch3x3dbl_2: conv(`${name}.branch3x3dbl_2`, 448, 384, 3, { padding: 1 }),
    branch3x3dbl_3a: conv(`${name}.branch3x3dbl_3a`, 384, 384, [1, 3], { padding: [0, 1] }),
    branch3x3dbl_3b: conv(`${name}.branch3x3dbl_3b`, 384, 384, [3, 1], { padding: [1, 0] }),
    branch_pool: conv(`${name}.branch_pool`, c, 192, 1),
  },
});

/** pytorch-fid's blocks 0-3 (pool3 features): the stem with its two max pools, then the mixed blocks. */
export const inceptionBlocks: readonly InceptionBlock[] = [
  {
    kind: 'stem',
    convs: [
      conv('Conv2d_1a_3x3', 3, 32, 3, { stride: 2 }),
      conv('Conv2d_2a_3x3', 32, 32, 3),
      conv('Conv2d_2b_3x3', 32, 64, 3, { padding: 1 }),
      conv('Conv2d_3b_1x1', 64, 80, 1),
      conv('Conv2d_4a_3x3', 80, 192, 3),
    ],
  },
  blockA('Mixed_5b', 192, 32),
  blockA('Mixed_5c', 256, 64),
  blockA('Mixed_5d', 288, 64),
  blockB('Mixed_6a', 288),
  blockC('Mixed_6b', 768, 128),
  blockC('Mixed_6c', 768, 160),
  blockC('Mixed_6d', 768, 160),
  blockC('Mixed_6e', 768, 192),
  blockD('Mixed_7a', 768),
  blockE('E1', 'Mixed_7b', 1280),
  blockE('E2', 'Mixed_7c', 2048),
];

/** Every convolution of the network. */
export function inceptionConvs(): ConvSpec[] {
  return inceptionBlocks.flatMap((block) => (block.kind === 'stem' ? [...block.convs] : Object.values(block.convs)));
}
