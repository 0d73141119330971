export { selectBackend, currentBackend, backendThreads, backendSummary, setBackendThreads, tensorBackend } from './backend/select-backend.ts';
export type { BackendChoice, NativePath } from './backend/select-backend.ts';
export { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from './backend/wasm-kernels/register-wasm-training-kernels.ts';
export { registerNativeKernels, unregisterNativeKernels, nativeKernelTable } from './backend/native/native-kernels.ts';
export type { KernelAssignment } from './backend/native/native-kernels.ts';
export { nativeLibraries, findNativeLibraries } from './backend/native/native-libraries.ts';
export type { NativeLibraries, CoretypeChoice } from './backend/native/native-libraries.ts';
export { defaultThreads } from './backend/native/native-threads.ts';
export { NATIVE_HINT } from './backend/native/native-summary.ts';

export { F64Arena } from './float64/f64-arena.ts';
export type { F64Matrix } from './float64/f64-matrix.ts';
export { pivotedCholesky, pivotedCholeskyIn } from './float64/pivoted-cholesky.ts';
export type { PivotedFactor } from './float64/pivoted-cholesky.ts';
export { symmetricEigenvaluesIn } from './float64/symmetric-eigenvalues.ts';

export { Module } from './layers/module.ts';
export { zeros, uniformInit, normalInit, fanIn, fanOut, kaimingUniform, torchBiasInit, xavierUniform, initWeight, initBias, weightInits } from './layers/init.ts';
export type { WeightInit } from './layers/init.ts';
export { Dense } from './layers/dense.ts';
export type { DenseOptions } from './layers/dense.ts';
export { Conv2d } from './layers/conv2d.ts';
export type { Conv2dOptions, Conv2dPadding } from './layers/conv2d.ts';
export { GroupNorm } from './layers/group-norm.ts';
export { groupNormSilu } from './layers/group-norm-silu.ts';
export type { GroupNormOptions } from './layers/group-norm.ts';
export { sinusoidalEmbedding, embeddingFrequencies } from './layers/sinusoidal-embedding.ts';
export { TimeEmbedding } from './layers/time-embedding.ts';
export type { TimeEmbeddingOptions } from './layers/time-embedding.ts';
export { SelfAttention2d } from './layers/attention.ts';
export type { SelfAttention2dOptions } from './layers/attention.ts';
export { dropout } from './layers/dropout.ts';
export { silu, relu, tanh, activation, activationNames } from './layers/activations.ts';
export type { ActivationName } from './layers/activations.ts';
export { Mlp } from './layers/mlp.ts';
export { affineCouplingTransform } from './layers/affine-coupling-op.ts';
export type { CouplingParts } from './layers/affine-coupling-op.ts';
export type { MlpOptions } from './layers/mlp.ts';

export { Adam, adamOptions } from './optim/adam.ts';
export type { AdamOptions } from './optim/adam.ts';
export { Ema, emaOptions, emaDecay } from './optim/ema.ts';
export type { EmaOptions } from './optim/ema.ts';
export { clipGradNorm, globalNorm } from './optim/clip-grad-norm.ts';
export { learningRate, lrSchedule, lrScheduleOptions } from './optim/lr-schedule.ts';
export type { LrSchedule } from './optim/lr-schedule.ts';

export { encodeSafetensors, decodeSafetensors, readSafetensorsFile, writeSafetensorsFile } from './io/safetensors.ts';
export type { SafetensorsEntry, SafetensorsContents } from './io/safetensors.ts';
export type { SafeDtype } from './io/safe-dtype.ts';
export type { NamedArray } from './io/named-array.ts';
export { toFloat32Array, toFloat64Array } from './io/named-array.ts';
export { saveTensors, loadTensors, toTfTensors } from './io/tensor-file.ts';
export { assignModuleWeights, loadModuleWeights } from './io/module-weights.ts';
export type { AssignWeightsOptions, AssignWeightsReport } from './io/module-weights.ts';
export type { Named } from './io/named.ts';

export { LOG_2PI, diagonalGaussianLogDensity, standardNormalLogDensity } from './density/gaussian-log-density.ts';
export { normalNoise, seededNormalNoise } from './random/normal-noise.ts';

export { TrainedModel, restored, WEIGHTS_FILE, TRAINING_STATE_FILE, MODEL_FILE } from './train/trained-model.ts';
export type { Batch, StepStats } from './train/trained-model.ts';
export { trainingOptions, trainingOptionsShape } from './train/training-options.ts';
export type { TrainingOptions } from './train/training-options.ts';
export { sampleBatchOption } from './model-kit/sample-batch.ts';
export type { SampleBatchOptions } from './model-kit/sample-batch.ts';
export { trainedModelOptions, trainedModelPlugin, trainingPart } from './model-kit/trained-model-plugin.ts';
export type { TrainedModelFamily } from './model-kit/trained-model-plugin.ts';
export { fitLoop } from './train/fit-loop.ts';
export { MiniBatches } from './train/minibatches.ts';
export type { RawBatch } from './train/minibatches.ts';

export { unpickle } from './io/pickle/unpickle.ts';
export type { UnpickleOptions } from './io/pickle/unpickle.ts';
export { PyObject, isNdArray } from './io/pickle/py-values.ts';
export type { NdArray, NpDtype, PyCallable } from './io/pickle/py-values.ts';
export { asBytes } from './io/pickle/numpy-globals.ts';
export { ZipArchive } from './io/zip-archive.ts';
export type { ZipEntry } from './io/zip-archive.ts';
