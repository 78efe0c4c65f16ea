import { zipOf } from './zip.js';

/**
 * A workbook of one sheet, `IDs`, whose sheet XML the test writes itself: cells as other
 * programs write them (inline strings, formulas without a saved value), which exceljs's
 * writer never does. `sheetData` is the XML inside <sheetData>, as text or in pieces (a
 * hostile sheet's hundreds of MB are not made into one string); `claimedSize` is the
 * sheet's size as its ZIP entry states it, when that lies.
 */
export function rawXlsx(sheetData: string | Buffer[], claimedSize?: number): Buffer {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rels = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const part = (name: string, xml: string) => ({ name, data: Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${xml}`), deflate: true });
  return zipOf([
    part('[Content_Types].xml', '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
      + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      + '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    part('_rels/.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    part('xl/workbook.xml', `<workbook xmlns="${ns}" xmlns:r="${rels}"><sheets><sheet name="IDs" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    part('xl/_rels/workbook.xml.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
    {
      name: 'xl/worksheets/sheet1.xml',
      data: Buffer.concat([Buffer.from(`<worksheet xmlns="${ns}"><sheetData>`), ...(typeof sheetData === 'string' ? [Buffer.from(sheetData)] : sheetData), Buffer.from('</sheetData></worksheet>')]),
      deflate: true,
      ...(claimedSize === undefined ? {} : { claimedSize }),
    },
  ]);
}
