import type { JsonObject } from '../../types.js';
import { readerFailure } from './common.js';

/**
 * `ReaderConfig.CSVDelimiter` values and the character each names ("ItemReader
 * (Map)": COMMA, the default, PIPE, SEMICOLON, SPACE, TAB).
 */
export const CSV_DELIMITERS = {
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  SPACE: ' ',
  TAB: '\t',
} as const;

export type CsvDelimiterName = keyof typeof CSV_DELIMITERS;

/** How to read one delimited file. */
export interface CsvReaderConfig {
  /** `FIRST_ROW`: the file's first record names the fields; `GIVEN`: {@link CsvReaderConfig.headers} does. */
  readonly headerLocation: 'FIRST_ROW' | 'GIVEN';
  readonly headers?: readonly string[];
  /** The field separator, one character (see {@link CSV_DELIMITERS}). */
  readonly delimiter: string;
}

/**
 * Splits delimited text into records of string fields, by the rules of the
 * developer guide ("ItemReader (Map)", parsing of text delimited files):
 * - records end at a newline (`\n`, `\r\n` or `\r`); a newline at the end of
 *   the file starts no record;
 * - a field in double quotes may hold the delimiter and newlines, and `""`
 *   inside it is one `"` (RFC 4180);
 * - a backslash escapes a backslash, a double quote or the delimiter; a
 *   backslash before any other character is dropped;
 * - whitespace is kept: a line of three spaces is a record whose one field
 *   is three spaces (recorded AWS response,
 *   `test_map_item_reader_csv_headers_decl_extra_fields`).
 *
 * An empty line gives no record: AWS's handling of one is not recorded, and
 * skipping it is what common CSV readers do.
 *
 * @example
 * ```ts
 * parseCsvRecords('a,"b,c"\n"say ""hi"""\n', ','); // [['a', 'b,c'], ['say "hi"']]
 * ```
 */
export function parseCsvRecords(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  // A record whose only field is empty and unquoted is an empty line.
  let sawQuote = false;

  const endField = (): void => {
    record.push(field);
    field = '';
  };
  const endRecord = (): void => {
    endField();
    if (!(record.length === 1 && record[0] === '' && !sawQuote)) records.push(record);
    record = [];
    sawQuote = false;
  };

  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (char === '\\') {
      const next = text[index + 1];
      if (next === '\\' || next === '"' || next === delimiter) {
        field += next;
        index += 1;
      }
      continue;
    }
    if (inQuotes) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 1;
        } else inQuotes = false;
      } else field += char;
      continue;
    }
    if (char === '"' && field === '') {
      inQuotes = true;
      sawQuote = true;
    } else if (char === delimiter) endField();
    else if (char === '\n') endRecord();
    else if (char === '\r') {
      if (text[index + 1] === '\n') index += 1;
      endRecord();
    } else field += char;
  }
  if (field !== '' || record.length > 0 || sawQuote) endRecord();
  return records;
}

/**
 * The items of a delimited file: one object per record, keyed by the header,
 * every value a string (AWS does no type conversion). A record shorter than
 * the header gets `""` for the missing fields and a longer one loses the extra
 * fields (developer guide; recorded AWS responses
 * `test_map_item_reader_csv_headers_decl_extra_fields`,
 * `test_map_item_reader_csv_first_row_extra_fields`). Duplicate header names
 * fail the read with `CSV headers cannot contain duplicates.` (recorded AWS
 * response `test_map_item_reader_csv_headers_decl_duplicate_headers`).
 *
 * @example
 * ```ts
 * readCsvItems('id,name\n1,Ada\n', { headerLocation: 'FIRST_ROW', delimiter: ',' }); // [{ id: '1', name: 'Ada' }]
 * ```
 */
export function readCsvItems(text: string, config: CsvReaderConfig): JsonObject[] {
  const records = parseCsvRecords(text, config.delimiter);
  let headers: readonly string[];
  if (config.headerLocation === 'GIVEN') headers = config.headers ?? [];
  else {
    const first = records.shift();
    if (first === undefined) return [];
    headers = first;
  }
  if (new Set(headers).size !== headers.length) throw readerFailure('CSV headers cannot contain duplicates.');
  return records.map((fields) => {
    const item: JsonObject = {};
    headers.forEach((header, column) => {
      item[header] = fields[column] ?? '';
    });
    return item;
  });
}
