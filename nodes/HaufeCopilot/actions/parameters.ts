import type { IExecuteFunctions } from 'n8n-workflow';

/** The ID inside a resource locator, whichever mode the user picked. */
export function locatorId(context: IExecuteFunctions, name: string, itemIndex: number): string {
	return String(context.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '').trim();
}

export function encodeId(id: string): string {
	return encodeURIComponent(id);
}
