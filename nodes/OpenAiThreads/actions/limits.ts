import type { IDataObject } from 'n8n-workflow';

import type { Validator } from '../../shared/validation';

/** The documented limits of the Assistants wire format, checked before anything is sent. */
export const LIMITS = {
	metadata: { pairs: 16, key: 64, value: 512 },
	codeInterpreterFiles: 20,
	vectorStoreIds: 1,
	vectorStores: 1,
	vectorStoreFiles: 10_000,
};

export function checkMetadata(
	validator: Validator,
	metadata: IDataObject | undefined,
	field: string,
) {
	if (metadata) validator.metadata(metadata, field, LIMITS.metadata);
}

export function checkToolResources(validator: Validator, resources: IDataObject | undefined) {
	if (!resources) return;
	const codeInterpreter = resources.code_interpreter as IDataObject | undefined;
	validator.maxCount(
		codeInterpreter?.file_ids as unknown[],
		'Code Interpreter File IDs',
		LIMITS.codeInterpreterFiles,
	);
	const fileSearch = resources.file_search as IDataObject | undefined;
	validator.maxCount(
		fileSearch?.vector_store_ids as unknown[],
		'Vector Store IDs',
		LIMITS.vectorStoreIds,
	);
	const stores = fileSearch?.vector_stores as IDataObject[] | undefined;
	validator.maxCount(stores, 'Vector Stores', LIMITS.vectorStores);
	// "At most one vector store attached to the thread", whether it exists already or is new.
	const total = ((fileSearch?.vector_store_ids as unknown[]) ?? []).length + (stores ?? []).length;
	if (total > LIMITS.vectorStoreIds) {
		validator.fail(
			`"Tool Resources" name ${total} vector stores (attached and new); a thread can have at most ${LIMITS.vectorStoreIds}`,
		);
	}
	(stores ?? []).forEach((store) => {
		validator.maxCount(
			store.file_ids as unknown[],
			'New Vector Store File IDs',
			LIMITS.vectorStoreFiles,
		);
		checkMetadata(
			validator,
			store.metadata as IDataObject | undefined,
			'New Vector Store Metadata',
		);
	});
}
