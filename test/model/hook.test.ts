import { describe, expect, it } from "vitest";
import { Hook } from "../../src/model/hook.js";

describe("Hook (a part built later hears one built earlier)", () => {
  it("tells nothing before its listener connects, then tells it every time", () => {
    const hook = new Hook<[number, string]>();
    const heard: string[] = [];
    hook.emit(1, "early");
    hook.connect((n, s) => heard.push(`${n}:${s}`));
    hook.emit(2, "a");
    hook.emit(3, "b");
    expect(heard).toEqual(["2:a", "3:b"]);
  });

  it("refuses a second listener (one part listens)", () => {
    const hook = new Hook<[]>();
    hook.connect(() => {});
    expect(() => hook.connect(() => {})).toThrow(/already connected/);
  });
});
