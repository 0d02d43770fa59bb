// PNG from our own SVG text: the SVG is loaded as an image from a blob URL (CSP allows blob: images),
// drawn into a canvas and encoded. No DOM is copied, no external font or image is fetched.

/** Chromium refuses canvases much past this many pixels per side (and memory grows with the area). */
const MAX_SIDE = 16_000;
const MAX_AREA = 120_000_000;

/** The scale actually used: `wanted`, shrunk until the canvas fits the limits. */
export function pngScale(width: number, height: number, wanted = 2): number {
  let s = wanted;
  s = Math.min(s, MAX_SIDE / Math.max(1, width), MAX_SIDE / Math.max(1, height));
  s = Math.min(s, Math.sqrt(MAX_AREA / Math.max(1, width * height)));
  return Math.max(0.05, s);
}

export function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  return { width: m ? Number(m[1]) : 800, height: m ? Number(m[2]) : 600 };
}

export async function svgToPng(svg: string, wantedScale = 2): Promise<Blob> {
  const { width, height } = svgSize(svg);
  const scale = pngScale(width, height, wantedScale);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG picture did not load as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
