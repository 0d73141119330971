export { identity, transpose, trace, symmetrize, dot } from './matrix.ts';
export { multiply, multiplyTransposed } from './multiply.ts';
export { MomentAccumulator, accumulateMoments, gaussianMoments } from './moments.ts';
export type { GaussianMoments } from './moments.ts';
export { cholesky, choleskyLogDet, solveLower, solveLowerTransposed, choleskyInverseTrace } from './cholesky.ts';
export { symmetricEigen, symmetricEigenvalues, tridiagonalEigenvalues } from './symmetric-eigen.ts';
export type { SymmetricEigen } from './symmetric-eigen.ts';
export { sqrtmPsd } from './sqrtm.ts';
export { concatInto, concatFloat32, concatFloat64 } from './concat.ts';
