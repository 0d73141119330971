import type { DataInfo } from '../contracts/dataset.ts';
import { imageGrid, sideBySide } from '../images/image-grid.ts';
import { encodePng } from '../images/png.ts';
import { scatterPlot } from '../images/scatter-plot.ts';
import type { SampleStore } from '../store/sample-store.ts';

const PREVIEW_POINTS = 2000;
const GRID_IMAGES = 64;
/** Images smaller than this many pixels a side are enlarged in the grid. */
const MIN_TILE = 32;

/**
 * A picture of one generation. Vector data: its samples (blue) over held-out real data (grey) in
 * the first two coordinates. uint8 images: an 8x8 grid of its samples (enlarged to at least 32
 * pixels a side), with a grid of real images on its left at generation 0. Null for data it cannot draw.
 */
export async function samplePreview(real: SampleStore, generated: SampleStore, data: DataInfo, generation: number): Promise<Uint8Array | null> {
  if (data.kind === 'image') {
    if (data.dtype !== 'uint8' || data.sampleShape.length !== 3) return null;
    const grid = async (store: SampleStore) => {
      const n = Math.min(store.count, GRID_IMAGES);
      return imageGrid((await store.read(0, n)) as Uint8Array, n, data.sampleShape, 8, 2, Math.max(1, Math.ceil(MIN_TILE / data.sampleShape[0]!)));
    };
    const samples = await grid(generated);
    return encodePng(generation === 0 ? sideBySide([await grid(real), samples]) : samples);
  }
  if (data.sampleShape[0]! < 2) return null;
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
