import { Component, type ErrorInfo, type ReactNode } from 'react';

type ErrorBoundaryProps = {
  label: string;
  children: ReactNode;
  onError?: (error: Error, info: ErrorInfo) => void;
};

/** Contains a failure to its pane: one broken message or screen never blanks the window. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    this.props.onError?.(error, info);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="cf-error-pane" role="alert" data-testid="error-pane">
        <strong>{this.props.label}</strong>
        <span className="cf-muted">{error.message}</span>
        <button type="button" className="cf-button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
