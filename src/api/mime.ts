/** Media types the API and the CLI name (a module of its own: the CLI needs the name, not the workbook library). */
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
