// The slice of fontkit 2 (pdfkit's own font engine) the copy document uses to check its font covers every
// character before drawing. The package ships no types; add members here when needed.
declare module 'fontkit' {
  export interface Font {
    postscriptName: string | null;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export interface FontCollection {
    fonts: Font[];
    getFont(postscriptName: string): Font | null;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font | FontCollection;
}
