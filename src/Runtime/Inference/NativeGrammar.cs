using System.Runtime.InteropServices;
using LLama.Native;
using Llm.Runtime.Errors;

namespace Llm.Runtime.Inference;

/// <summary>
/// Creates llama.cpp grammar samplers itself instead of through LLamaSharp's <c>AddGrammar</c>, which adds whatever
/// <c>llama_sampler_init_grammar</c> returns to the chain: when llama.cpp refuses a grammar it returns null, and the
/// chain then dereferences that null on the first token, killing the process. Here a null is an error.
/// </summary>
/// <remarks>Thread-safe: parsing a grammar reads the vocabulary only, so it may run beside the engine thread.</remarks>
internal static unsafe class NativeGrammar
{
    private static readonly Lazy<Exports> s_exports = new(Bind);

    /// <summary>Parses <paramref name="grammar"/> with llama.cpp and appends its sampler to <paramref name="chain"/>.</summary>
    /// <exception cref="GrammarRejectedException">llama.cpp refused the grammar.</exception>
    public static void AddTo(SafeLLamaSamplerChainHandle chain, SafeLlamaModelHandle model, GrammarSpec grammar)
    {
        var sampler = Create(model, grammar);
        var added = false;
        chain.DangerousAddRef(ref added);
        try
        {
            s_exports.Value.ChainAdd(chain.DangerousGetHandle(), sampler); // the chain owns it from here
        }
        finally
        {
            if (added) chain.DangerousRelease();
        }
    }

    /// <summary>Parses <paramref name="grammar"/> once and frees the result: whether llama.cpp accepts it.</summary>
    /// <exception cref="GrammarRejectedException">llama.cpp refused the grammar.</exception>
    public static void Validate(SafeLlamaModelHandle model, GrammarSpec grammar) => s_exports.Value.Free(Create(model, grammar));

    private static IntPtr Create(SafeLlamaModelHandle model, GrammarSpec grammar)
    {
        // An empty grammar makes llama.cpp return a sampler that allows everything: not what a caller asking for one meant.
        if (string.IsNullOrEmpty(grammar.Gbnf) || string.IsNullOrEmpty(grammar.Root) || grammar.Gbnf.Contains('\0') || grammar.Root.Contains('\0'))
            throw new GrammarRejectedException("The grammar is empty.");
        var exports = s_exports.Value;
        var added = false;
        model.DangerousAddRef(ref added);
        var text = Marshal.StringToCoTaskMemUTF8(grammar.Gbnf);
        var root = Marshal.StringToCoTaskMemUTF8(grammar.Root);
        try
        {
            var vocab = exports.ModelGetVocab(model.DangerousGetHandle());
            var sampler = exports.InitGrammar(vocab, text, root);
            if (sampler == IntPtr.Zero)
                throw new GrammarRejectedException("llama.cpp could not build a grammar from this request (its parser refused it, for example because a repetition bound is too large).");
            return sampler;
        }
        finally
        {
            Marshal.FreeCoTaskMem(text);
            Marshal.FreeCoTaskMem(root);
            if (added) model.DangerousRelease();
        }
    }

    private sealed class Exports
    {
        public required delegate* unmanaged[Cdecl]<IntPtr, IntPtr> ModelGetVocabPtr;
        public required delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr> InitGrammarPtr;
        public required delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> ChainAddPtr;
        public required delegate* unmanaged[Cdecl]<IntPtr, void> FreePtr;

        public IntPtr ModelGetVocab(IntPtr model) => ModelGetVocabPtr(model);
        public IntPtr InitGrammar(IntPtr vocab, IntPtr text, IntPtr root) => InitGrammarPtr(vocab, text, root);
        public void ChainAdd(IntPtr chain, IntPtr sampler) => ChainAddPtr(chain, sampler);
        public void Free(IntPtr sampler) => FreePtr(sampler);
    }

    // The same library LLamaSharp loaded: its resolver, registered for its assembly, answers for the name "llama".
    private static Exports Bind()
    {
        var library = NativeLibrary.Load("llama", typeof(NativeApi).Assembly, null);
        return new Exports
        {
            ModelGetVocabPtr = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "llama_model_get_vocab"),
            InitGrammarPtr = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, IntPtr>)NativeLibrary.GetExport(library, "llama_sampler_init_grammar"),
            ChainAddPtr = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void>)NativeLibrary.GetExport(library, "llama_sampler_chain_add"),
            FreePtr = (delegate* unmanaged[Cdecl]<IntPtr, void>)NativeLibrary.GetExport(library, "llama_sampler_free"),
        };
    }
}
