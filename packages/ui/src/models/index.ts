// A separate entry point so the renderer can load the models screen as its own chunk.
export { ModelsScreen } from './ModelsScreen';
