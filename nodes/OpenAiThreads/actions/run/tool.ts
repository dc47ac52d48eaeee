import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { chosenName, fromAi, QUESTION_KEY, requireQuestion, toolOnly } from '../../../shared/tool';

/** The model's question, as a tool: sent as the last user message of the run. */
export const toolQuestionField: INodeProperties = toolOnly({
	displayName: 'Question',
	name: 'question',
	type: 'string',
	typeOptions: { rows: 3 },
	default: fromAi(
		QUESTION_KEY,
		'The question for the assistant, in full sentences, with everything it needs to know',
	),
	required: true,
	description:
		'The question, sent as the last user message. By default the model that calls the tool fills it in ($fromAI).',
});

/** The question of a tool call as a user message; an empty one is refused before any request. */
export function toolQuestion(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const question = String(context.getNodeParameter('question', itemIndex, '') ?? '');
	requireQuestion(context, itemIndex, question, 'Question', 'Set the question to ask.');
	return { role: 'user', content: question };
}

/**
 * What a model receives from a run: the answer and the thread to continue; the status, error
 * or pending tool calls only when the run did not complete.
 */
export function compactRun(
	context: IExecuteFunctions,
	itemIndex: number,
	run: IDataObject,
): IDataObject {
	const completed = run.status === 'completed';
	return {
		answer: run.answer,
		thread_id: run.thread_id,
		...(completed ? {} : { status: run.status, last_error: run.last_error }),
		assistant: chosenName(context, 'assistantId', itemIndex),
	};
}
