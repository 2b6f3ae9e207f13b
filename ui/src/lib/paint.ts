/**
 * Runs `then` once the screen as it is now has been painted: two frames on,
 * in a task of its own, so that frame is not held up whichever of its tasks
 * runs first. A window that paints no frames (hidden) gets it after
 * `fallbackMs` all the same. Returns a cancel function.
 */
export function afterPaint(then: () => void, fallbackMs = 1000): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    then();
  };
  const nextFrame = (next: () => void) => requestAnimationFrame(() => setTimeout(next, 0));
  nextFrame(() => nextFrame(once));
  const fallback = setTimeout(once, fallbackMs);
  return () => {
    done = true;
    clearTimeout(fallback);
  };
}
