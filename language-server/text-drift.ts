// Maps offsets between the text the last good analysis was made of and the text in the editor now. Between
// two checks the user keeps typing; everything before the first changed character and after the last one
// still lines up (shifted), so answers keep working there; inside the edited region there is no answer.

export class TextDrift {
  private readonly prefix: number;
  private readonly suffix: number;

  constructor(private readonly before: string, private readonly now: string) {
    const max = Math.min(before.length, now.length);
    let p = 0;
    while (p < max && before.charCodeAt(p) === now.charCodeAt(p)) p++;
    let s = 0;
    while (s < max - p && before.charCodeAt(before.length - 1 - s) === now.charCodeAt(now.length - 1 - s)) s++;
    this.prefix = p;
    this.suffix = s;
  }

  get unchanged(): boolean {
    return this.prefix === this.before.length && this.before.length === this.now.length;
  }

  /** A UTF-16 offset in the current text → in the analysed text; undefined inside the edit. */
  toBefore(offset: number): number | undefined {
    if (offset <= this.prefix) return offset;
    if (offset >= this.now.length - this.suffix) return offset - this.now.length + this.before.length;
    return undefined;
  }

  /** A UTF-16 offset in the analysed text → in the current text; undefined inside the edit. */
  toNow(offset: number): number | undefined {
    if (offset <= this.prefix) return offset;
    if (offset >= this.before.length - this.suffix) return offset - this.before.length + this.now.length;
    return undefined;
  }
}
