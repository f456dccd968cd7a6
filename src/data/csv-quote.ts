/** A CSV field, quoted (RFC 4180) when it holds a comma, quote, line break or edge whitespace. */
export function quote(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
