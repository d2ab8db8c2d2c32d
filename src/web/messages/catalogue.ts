/** A catalogue: nested objects whose leaves are messages with `{name}` placeholders. */
export interface Catalogue {
  [key: string]: string | Catalogue;
}
