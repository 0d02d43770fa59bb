// A label cut in the middle to the room it has (util/middleEllipsis.ts), measured in the page: the room is
// the box's width after the badges and counts beside it took theirs (they never shrink), the text's width
// is the canvas's measure in the label's own font. Re-fitted when the text or the room changes. Where
// nothing can be measured (no layout, as in DOM-less tests) the whole text is shown and CSS cuts its end.
import { useLayoutEffect, useRef, useState } from 'react';
import { middleCut } from '../util/middleEllipsis';

const SPARE_PX = 4;

let canvas: CanvasRenderingContext2D | null | undefined;
function measurer(font: string): ((s: string) => number) | null {
  if (canvas === undefined) {
    try {
      canvas = document.createElement('canvas').getContext('2d');
    } catch {
      canvas = null;
    }
  }
  const ctx = canvas;
  if (!ctx) return null;
  return (s) => {
    ctx.font = font;
    return ctx.measureText(s).width;
  };
}

export function MiddleEllipsis({ text, className }: { text: string; className: string }) {
  const box = useRef<HTMLSpanElement>(null);
  const label = useRef<HTMLSpanElement>(null);
  const [shown, setShown] = useState(text);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el || !label.current) return;
    const inner = label.current;
    const fit = () => {
      const room = el.clientWidth;
      const measure = room > 0 ? measurer(getComputedStyle(inner).font) : null;
      // A few pixels spare: the canvas and the page may round a width differently, and a search match pads the label.
      setShown(measure ? middleCut(text, room - SPARE_PX, measure) : text);
    };
    fit();
    if (typeof ResizeObserver === 'undefined') return;
    const watch = new ResizeObserver(fit);
    watch.observe(el);
    return () => watch.disconnect();
  }, [text]);
  return (
    <span ref={box} className="mid-ellipsis">
      <span ref={label} className={className}>
        {shown}
      </span>
    </span>
  );
}
