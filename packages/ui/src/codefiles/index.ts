export { CodeToFileDialog } from './CodeToFileDialog';
