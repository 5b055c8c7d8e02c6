export declare const BUDGET: number;
export interface Entry {
  name: string;
  pkg: string;
  what: string;
  source: string;
  external?: string[];
}
export declare const ENTRIES: Entry[];
export interface Measured {
  minified: number;
  gzip: number;
  inputs: string[];
}
export declare const REACT_BUDGET: number;
export declare function measure(source: string, external?: string[]): Promise<Measured>;
export declare function reactAdds(rows: Array<Entry & Measured>): number;
export declare function measureAll(): Promise<Array<Entry & Measured & { version: string }>>;
export declare function markdown(rows: Array<Entry & Measured & { version: string }>): string;
