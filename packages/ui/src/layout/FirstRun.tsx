type FirstRunProps = { onOpenCatalog: () => void; onImport: () => void; onAddRemote: () => void };

/** Shown until a model is installed: the two ways to get one. */
export function FirstRun({ onOpenCatalog, onImport, onAddRemote }: FirstRunProps) {
  return (
    <div className="cf-empty" data-testid="first-run">
      <h1 className="cf-empty-title">Welcome to CodeFace</h1>
      <p className="cf-muted" data-testid="privacy-statement">
        CodeFace runs code models on your own machine, and nothing you type leaves it, unless you
        choose a model on another machine: then what you send in a chat goes to that server. Start
        by adding a model:
      </p>
      <ol className="cf-steps">
        <li>
          <strong>Download one from the catalog.</strong> Each model shows whether it fits your GPU.
          <div>
            <button
              type="button"
              className="cf-button cf-button-primary"
              data-testid="first-run-catalog"
              onClick={onOpenCatalog}
            >
              Open the catalog
            </button>
          </div>
        </li>
        <li>
          <strong>Or import a GGUF file you already have.</strong>
          <div>
            <button
              type="button"
              className="cf-button"
              data-testid="first-run-import"
              onClick={onImport}
            >
              Import a model file
            </button>
          </div>
        </li>
        <li>
          <strong>Or use a model on another machine</strong> through an OpenAI-compatible server
          (Ollama, LM Studio, llama.cpp, vLLM).
          <div>
            <button
              type="button"
              className="cf-button"
              data-testid="first-run-remote"
              onClick={onAddRemote}
            >
              Add a remote model server
            </button>
          </div>
        </li>
      </ol>
    </div>
  );
}

/** Shown in the chat pane when a model is ready but no chat is open. */
export function NoChat({ onNewChat }: { onNewChat: () => void }) {
  return (
    <div className="cf-empty" data-testid="no-chat">
      <h1 className="cf-empty-title">Ask about code</h1>
      <p className="cf-muted">
        Paste code and pick a preset — explain, fix, refactor, tests or review.
      </p>
      <button type="button" className="cf-button cf-button-primary" onClick={onNewChat}>
        Start a chat
      </button>
    </div>
  );
}
