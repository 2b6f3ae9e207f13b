import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { afterPaint } from "./paint";

describe("afterPaint", () => {
  let frames: Array<() => void> = [];
  beforeEach(() => {
    vi.useFakeTimers();
    frames = [];
    vi.stubGlobal("requestAnimationFrame", (cb: () => void) => frames.push(cb));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
  const paintFrame = () => {
    const due = frames;
    frames = [];
    due.forEach((cb) => cb());
  };

  it("runs two painted frames on, in a task of its own, once", () => {
    const then = vi.fn();
    afterPaint(then);
    paintFrame();
    vi.advanceTimersByTime(0);
    expect(then).not.toHaveBeenCalled();
    paintFrame();
    expect(then).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(then).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it("runs all the same when the window paints no frames", () => {
    const then = vi.fn();
    afterPaint(then, 500);
    vi.advanceTimersByTime(499);
    expect(then).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it("does not run once cancelled", () => {
    const then = vi.fn();
    const cancel = afterPaint(then, 500);
    cancel();
    paintFrame();
    vi.advanceTimersByTime(0);
    paintFrame();
    vi.advanceTimersByTime(1000);
    expect(then).not.toHaveBeenCalled();
  });
});
