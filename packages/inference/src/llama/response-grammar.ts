import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp';
import { EngineError } from '../engine/errors';
import type { ResponseFormat } from '../engine/types';

/** Grammars kept for reuse: a client sends the same schema with every request. */
const GRAMMARS_KEPT = 16;

/**
 * Turns a response format into node-llama-cpp's grammar, which constrains sampling so that the
 * answer is JSON (`json`) or JSON matching a schema (`json-schema`). Building a grammar costs
 * more than the lookup, so the last few are kept, keyed by the schema's text.
 */
export class ResponseGrammars {
  private readonly kept = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: () => Promise<Llama>) {}

  async grammarFor(format: ResponseFormat): Promise<LlamaGrammar> {
    const key = format.type === 'json' ? 'json' : JSON.stringify(format.schema);
    let grammar = this.kept.get(key);
    if (grammar === undefined) {
      grammar = this.build(format);
      this.kept.set(key, grammar);
      const oldest = this.kept.keys().next().value;
      if (this.kept.size > GRAMMARS_KEPT && oldest !== undefined) this.kept.delete(oldest);
    }
    try {
      return await grammar;
    } catch (error) {
      this.kept.delete(key);
      throw error;
    }
  }

  private async build(format: ResponseFormat): Promise<LlamaGrammar> {
    const llama = await this.llama();
    if (format.type === 'json') return llama.getGrammarFor('json');
    try {
      // node-llama-cpp checks the schema as it builds the grammar; a part it cannot express
      // (or a malformed one) throws here, before anything is generated.
      // The schema's shape was checked by `jsonSchemaNodeSchema`; this type is the library's
      // name for the same subset.
      return await llama.createGrammarForJsonSchema<GbnfJsonSchema>(
        format.schema as GbnfJsonSchema,
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new EngineError(
        'invalid-response-format',
        `The JSON schema cannot be used to constrain the answer: ${reason}`,
      );
    }
  }
}
