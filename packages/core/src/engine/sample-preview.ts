import type { DataInfo } from '../contracts/dataset.ts';
import { encodePng } from '../images/png.ts';
import { scatterPlot } from '../images/scatter-plot.ts';
import type { SampleStore } from '../store/sample-store.ts';

const PREVIEW_POINTS = 2000;

/**
 * A picture of one generation: for vector data, its samples (blue) over held-out real data
 * (grey) in the first two coordinates; null for data it cannot draw yet.
 */
export async function samplePreview(real: SampleStore, generated: SampleStore, data: DataInfo): Promise<Uint8Array | null> {
  if (data.kind !== 'vector' || data.sampleShape[0]! < 2) return null;
  const stride = data.sampleShape[0]!;
  const realPoints = await real.read(0, Math.min(real.count, PREVIEW_POINTS));
  const generatedPoints = await generated.read(0, Math.min(generated.count, PREVIEW_POINTS));
  return encodePng(
    scatterPlot([
      { points: realPoints, stride, rgb: [170, 170, 170] },
      { points: generatedPoints, stride, rgb: [31, 119, 180] },
    ]),
  );
}
