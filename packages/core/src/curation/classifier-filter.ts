import { z } from 'zod';
import type { CuratorPlugin } from '../contracts/curator.ts';
import { inModelSpace } from './log-likelihoods.ts';
import { kMeansLabels, knnVotes } from './nearest-neighbour-classifier.ts';

const options = z.strictObject({
  confidence: z.number().gt(0).max(1).default(0.9).describe('Keep a sample when the classifier gives its class at least this confidence.'),
  k: z.int().min(1).default(15).describe('Neighbours of the k-NN classifier on D.'),
  balance: z.boolean().default(true).describe("Keep D's class proportions among the kept samples (the most confident of each class)."),
  clusters: z.int().min(2).default(2).describe("When D has no labels: its k-means clusters are the classes (two for two-moons' moons)."),
  reference: z.int().min(1).default(5000).describe('Rows of D the classifier holds (a uniform subset when D is larger).'),
  oversample: z.number().min(1).default(2).describe('Draw oversample x what the schedule takes, so that enough pass.'),
});

/**
 * Verifier-based curation with a classifier (Ferbach et al. 2024; the verifier-based retraining of
 * 2025): a k-NN classifier on D (its labels, or its k-means clusters when it has none) labels each
 * sample with the share of its k nearest real rows in the majority class as confidence; samples with
 * confidence >= `confidence` are kept, with D's class balance or not. When fewer pass than the
 * schedule takes, the most confident of the rest fill up, and the reason says how many.
 */
export const classifierFilterCurator: CuratorPlugin<z.infer<typeof options>> = {
  id: 'classifier-filter',
  description: "keeps samples a k-NN classifier on D labels with confidence >= c (D's labels, or its k-means clusters), with D's class balance or not",
  options,
  create: (opts, { data }) => {
    const dims = data.sampleShape.reduce((a, b) => a * b, 1);
    return {
      samplesToDraw: (needed) => Math.ceil(needed * opts.oversample),
      async curate({ samples, needed, real, codec, ctx }) {
        const rows = ctx.rng.fork('reference').choose(real.count, Math.min(opts.reference, real.count)).sort();
        const reference = await inModelSpace(await real.gather(rows), codec);
        const fromLabels = real.labelled;
        const labels = fromLabels ? await real.gatherLabels(rows) : kMeansLabels(reference, opts.clusters, dims, ctx.rng.fork('k-means'));
        const classes = labels.reduce((most, l) => Math.max(most, l + 1), fromLabels ? (data.classes?.length ?? 0) : opts.clusters);
        const votes = knnVotes(await inModelSpace(await samples.readAll(), codec), reference, labels, classes, opts.k, dims);
        const n = samples.count;
        const byConfidence = Array.from({ length: n }, (_, i) => i).sort((a, b) => votes.confidence[b]! - votes.confidence[a]! || a - b);
        const passing = byConfidence.filter((i) => votes.confidence[i]! >= opts.confidence);
        let kept = passing;
        if (opts.balance && passing.length > 0) {
          const share = classShares(labels, classes);
          const perClass = new Int32Array(classes);
          for (const i of passing) perClass[votes.label[i]!]!++;
          // The largest total t with t * share_c <= passing_c for every class present in D.
          const total = Math.floor(Math.min(...share.map((s, c) => (s > 0 ? perClass[c]! / s : Infinity))));
          const quota = share.map((s) => Math.floor(s * total + 1e-9));
          kept = passing.filter((i) => quota[votes.label[i]!]!-- > 0);
        }
        const chosen = new Set(kept);
        const filled = byConfidence.filter((i) => !chosen.has(i)).slice(0, Math.max(0, needed - kept.length));
        const all = Uint32Array.from([...kept, ...filled]).sort();
        const source = fromLabels ? "D's labels" : `${opts.clusters} k-means clusters of D`;
        const meanConfidence = Array.from(all, (i) => votes.confidence[i]!).reduce((s, v) => s + v, 0) / Math.max(all.length, 1);
        return {
          kept: all,
          reason:
            `kept ${kept.length} of ${n} samples that a ${opts.k}-NN classifier on ${source} labels with confidence >= ${opts.confidence} (${passing.length} passed${opts.balance ? `, D's class balance kept` : ''})` +
            (filled.length > 0 ? `, and ${filled.length} below it, the most confident, to reach the ${needed} the schedule takes` : ''),
          stats: { passed: passing.length, filled: filled.length, mean_confidence: meanConfidence },
        };
      },
    };
  },
};

function classShares(labels: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]!++;
  return counts.map((c) => c / labels.length);
}
