import { z } from 'zod';
import type { FeatureExtractor, FeatureExtractorPlugin } from '@ouroboros/core';
import { trainedClassifier, type TrainedClassifier } from './trained-classifier.ts';

export const classifierOptions = z.strictObject({
  width: z.int().positive().default(32).describe('Channels of the first convolution (the others have 2x and 4x).'),
  featureDim: z.int().positive().default(128).describe("Size of the penultimate layer: the length of `classifier`'s feature vectors."),
  epochs: z.number().positive().default(3).describe('Passes over the (at most maxTrain) training samples.'),
  batchSize: z.int().positive().default(64),
  learningRate: z.number().positive().default(1e-3).describe("Adam's learning rate."),
  maxTrain: z.int().positive().default(20_000).describe('Train on at most this many samples of the training split, drawn with the experiment seed.'),
});
export type ClassifierOptions = z.infer<typeof classifierOptions>;

/**
 * A feature extractor from a small CNN trained on the run's own labelled training split (CIFAR-10,
 * MNIST, shapes...) in `prepare`, cached beside the runs by dataset content and seed. `features`
 * gives its penultimate layer (FD on it is the non-standard FD-cnn, not comparable with published
 * FIDs), `logits` its class logits (for class-coverage).
 */
function classifierPlugin(id: string, output: 'features' | 'logits', description: string): FeatureExtractorPlugin<ClassifierOptions> {
  return {
    id,
    description,
    // 2: the classifier is trained by nn's training loop (another mini-batch order: other weights, other FD-cnn values).
    version: 2,
    options: classifierOptions,
    create: (options, { data }): FeatureExtractor => {
      if (!data.classes || data.classes.length < 2) {
        throw new Error(`${id}: the dataset has no class labels; a classifier needs a labelled dataset (CIFAR-10, MNIST, shapes), else use inception-v3 or pixels features`);
      }
      let classifier: TrainedClassifier | null = null;
      return {
        dim: output === 'features' ? options.featureDim : data.classes.length,
        batchSize: 512,
        async prepare({ train, cacheDir, seed, note }, ctx) {
          classifier = await trainedClassifier({ train, data, cacheDir, seed, note }, options, ctx);
        },
        async extract(samples) {
          if (!classifier) throw new Error(`${id}: features asked for before prepare; the classifier is trained on the run's training split first`);
          return classifier.apply(samples, output);
        },
      };
    },
  };
}

/** `classifier`: penultimate-layer features of a small CNN trained on the dataset's labels (FD-cnn, non-standard). */
export const classifierFeaturesPlugin = classifierPlugin(
  'classifier',
  'features',
  "penultimate features of a small CNN trained on the dataset's labels; fd on them is the non-standard FD-cnn (logged fd_cnn)",
);

/** `classifier-logits`: the same CNN's class logits, for class-coverage. */
export const classifierLogitsPlugin = classifierPlugin('classifier-logits', 'logits', "class logits of the small CNN trained on the dataset's labels (for class-coverage)");
