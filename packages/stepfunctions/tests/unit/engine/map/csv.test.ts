import { describe, expect, it } from 'vitest';
import { parseCsvRecords, readCsvItems } from '../../../../src/engine/map/readers/csv.js';
import { StateFailure } from '../../../../src/engine/types.js';

// The parsing rules are the developer guide's ("ItemReader (Map)", text delimited files) unless a test names a recording.

describe('Function: parseCsvRecords', () => {
  it.each([
    ['plain fields', 'a,b,c\nd,e,f\n', [['a', 'b', 'c'], ['d', 'e', 'f']]],
    ['no newline at the end', 'a,b\nc,d', [['a', 'b'], ['c', 'd']]],
    ['CRLF line ends', 'a,b\r\nc,d\r\n', [['a', 'b'], ['c', 'd']]],
    ['a lone CR line end', 'a\rb', [['a'], ['b']]],
    ['a quoted delimiter', '"x,y",z', [['x,y', 'z']]],
    ['a quoted newline', '"line 1\nline 2",z\n', [['line 1\nline 2', 'z']]],
    ['a doubled quote inside quotes', '"say ""hi""",z', [['say "hi"', 'z']]],
    ['an empty quoted field', '"",z', [['', 'z']]],
    ['a quote inside an unquoted field', 'ab"c,d', [['ab"c', 'd']]],
    ['empty fields', ',,,\n', [['', '', '', '']]],
    ['kept whitespace', '  a , b  \n', [['  a ', ' b  ']]],
    ['a line of spaces', 'a\n   \n', [['a'], ['   ']]],
    ['an escaped backslash', 'C:\\\\Temp\\\\x.exe,3', [['C:\\Temp\\x.exe', '3']]],
    ['an escaped delimiter', 'a\\,b,c', [['a,b', 'c']]],
    ['an escaped quote', 'say \\"hi\\",c', [['say "hi"', 'c']]],
    ['a backslash before another character, dropped', 'a\\nb', [['anb']]],
    ['an empty line between records, skipped', 'a\n\nb\n', [['a'], ['b']]],
    ['an empty file', '', []],
  ])('reads %s', (_name, text, records) => {
    expect(parseCsvRecords(text, ',')).toEqual(records);
  });

  it.each([
    ['|', 'a|b,c|"d|e"', [['a', 'b,c', 'd|e']]],
    [';', 'a;b,c', [['a', 'b,c']]],
    [' ', 'a b\tc', [['a', 'b\tc']]],
    ['\t', 'a\tb c', [['a', 'b c']]],
  ])('splits on the delimiter %j only', (delimiter, text, records) => {
    expect(parseCsvRecords(text, delimiter)).toEqual(records);
  });
});

describe('Function: readCsvItems', () => {
  it('keys each row by the first row, every value a string', () => {
    // Act
    const items = readCsvItems('id,price,active\n7,9.5,true\n', { headerLocation: 'FIRST_ROW', delimiter: ',' });

    // Assert
    expect(items).toEqual([{ id: '7', price: '9.5', active: 'true' }]);
  });

  it('uses header names as written, even ones that look like JSON (recorded AWS response test_map_item_reader_csv_headers_first_row_typed_headers)', () => {
    const items = readCsvItems('1,False,[]\nx,y,z\n', { headerLocation: 'FIRST_ROW', delimiter: ',' });

    expect(items).toEqual([{ '1': 'x', False: 'y', '[]': 'z' }]);
  });

  it('fills a short row with empty strings and drops the extra fields of a long one (recorded AWS response test_map_item_reader_csv_first_row_extra_fields)', () => {
    // Arrange — the header row ends with a delimiter, so its second name is "".
    const text = 'name,\nalpha,beta,gamma\nsolo\n';

    // Act
    const items = readCsvItems(text, { headerLocation: 'FIRST_ROW', delimiter: ',' });

    // Assert
    expect(items).toEqual([
      { name: 'alpha', '': 'beta' },
      { name: 'solo', '': '' },
    ]);
  });

  it('reads every row as data with GIVEN headers, dropping fields beyond them (recorded AWS response test_map_item_reader_csv_headers_decl_extra_fields)', () => {
    const items = readCsvItems('p,q,r\n,,,\n  \n', { headerLocation: 'GIVEN', headers: ['only'], delimiter: ',' });

    expect(items).toEqual([{ only: 'p' }, { only: '' }, { only: '  ' }]);
  });

  it.each([
    ['GIVEN', { headerLocation: 'GIVEN' as const, headers: ['x', 'y', 'x'], delimiter: ',' }, 'a,b,c\n'],
    ['FIRST_ROW', { headerLocation: 'FIRST_ROW' as const, delimiter: ',' }, 'x,y,x\na,b,c\n'],
  ])('fails duplicate %s headers with AWS cause (recorded AWS response test_map_item_reader_csv_headers_decl_duplicate_headers)', (_location, config, text) => {
    // Act
    const read = (): unknown => readCsvItems(text, config);

    // Assert
    expect(read).toThrowError(StateFailure);
    try {
      read();
    } catch (failure) {
      expect(failure).toMatchObject({ error: 'States.ItemReaderFailed', failureCause: 'CSV headers cannot contain duplicates.' });
    }
  });

  it('gives no items for an empty file with FIRST_ROW headers', () => {
    expect(readCsvItems('', { headerLocation: 'FIRST_ROW', delimiter: ',' })).toEqual([]);
  });

  it('gives no items for a file that holds only its header row', () => {
    expect(readCsvItems('a,b\n', { headerLocation: 'FIRST_ROW', delimiter: ',' })).toEqual([]);
  });

  it('reads multi-line quoted values as one item', () => {
    const items = readCsvItems('id|note\n1|"first line\nsecond | line"\n', { headerLocation: 'FIRST_ROW', delimiter: '|' });

    expect(items).toEqual([{ id: '1', note: 'first line\nsecond | line' }]);
  });
});
