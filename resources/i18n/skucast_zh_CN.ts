<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccuracyPanel</name>
    <message>
        <source>MASE (lower is better)</source>
        <extracomment>Model line colours, in the order models first appear. Worst-forecast products listed beside the chart.</extracomment>
        <translation>MASE（越低越好）</translation>
    </message>
    <message>
        <source>Each point is one archived run scored on the sales known now: its mean MASE over the products. Below the dashed line at 1 the forecast erred less than the seasonal naive does in sample; the grey line is the seasonal naive archived beside the runs.</source>
        <translation>每个点是一次存档的预测，用现在已知的销量评分：各商品 MASE 的平均值。低于 1 处的虚线表示误差小于季节性朴素法的样本内误差；灰线是与各次预测一同存档的季节性朴素法。</translation>
    </message>
    <message>
        <source>Worst-forecast products</source>
        <translation>预测最差的商品</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Run (data end)</source>
        <translation>预测（数据截止日）</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>MASE</source>
        <translation>MASE</translation>
    </message>
    <message>
        <source>Bias (%)</source>
        <translation>偏差（%）</translation>
    </message>
    <message>
        <source>Likely reason</source>
        <translation>可能原因</translation>
    </message>
    <message>
        <source>Accuracy over time needs a forecast archive ({name}, beside the project or sales file): forecasts kept there with python main.py forecast ... --archive are scored here once their sales are known.</source>
        <translation>查看准确度变化需要预测存档（{name}，位于项目或销售文件旁）：用 python main.py forecast ... --archive 存档的预测，在销量已知后会在这里评分。</translation>
    </message>
    <message>
        <source>The forecast archive holds {n} runs; the sales do not reach their forecast dates yet, so none can be scored.</source>
        <translation>预测存档中有 {n} 次预测，但销售数据尚未覆盖其预测日期，暂时无法评分。</translation>
    </message>
    <message>
        <source>The forecast archive cannot be read: {reason}</source>
        <translation>无法读取预测存档：{reason}</translation>
    </message>
    <message>
        <source>Seasonal naive</source>
        <translation>季节性朴素法</translation>
    </message>
    <message>
        <source>MASE 1</source>
        <translation>MASE = 1</translation>
    </message>
    <message>
        <source>stock-out (demand unseen)</source>
        <translation>缺货（需求未被观察到）</translation>
    </message>
    <message>
        <source>promotion in the window</source>
        <translation>预测期内有促销</translation>
    </message>
    <message>
        <source>new product</source>
        <translation>新品</translation>
    </message>
</context>
<context>
    <name>AdviceTable</name>
    <message>
        <source>Show:</source>
        <extracomment>Marks the header of a column the user may edit. Rows read to fit a column to its contents (0: the rows on screen).</extracomment>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Product ID</source>
        <translation>商品编码</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>On hand</source>
        <translation>现有库存</translation>
    </message>
    <message>
        <source>Lead time (days)</source>
        <translation>交货期（天）</translation>
    </message>
    <message>
        <source>Service level (%)</source>
        <translation>服务水平（%）</translation>
    </message>
    <message>
        <source>Forecast over lead time</source>
        <translation>交货期内预计销量</translation>
    </message>
    <message>
        <source>Safety stock</source>
        <translation>安全库存</translation>
    </message>
    <message>
        <source>Reorder point</source>
        <translation>再订货点</translation>
    </message>
    <message>
        <source>Order now</source>
        <translation>建议订货量</translation>
    </message>
    <message>
        <source>Days of cover</source>
        <translation>可售天数</translation>
    </message>
    <message>
        <source>Stock-out date</source>
        <translation>预计断货日期</translation>
    </message>
    <message>
        <source>Promote / hold / clear</source>
        <translation>促销 / 保持 / 清仓</translation>
    </message>
    <message>
        <source>Promotion window</source>
        <translation>活动时间</translation>
    </message>
    <message>
        <source>Discount (%)</source>
        <translation>折扣（%）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Promote</source>
        <translation>促销</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>保持</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清仓</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>全部商品</translation>
    </message>
    <message>
        <source>Needs ordering</source>
        <translation>需要订货</translation>
    </message>
    <message>
        <source>To clear</source>
        <translation>建议清仓</translation>
    </message>
</context>
<context>
    <name>BaseView</name>
    <message>
        <source>SkuCast: something went wrong</source>
        <extracomment>Ask the main window to show another step (its index).</extracomment>
        <translation>SkuCast：出错了</translation>
    </message>
    <message>
        <source>SkuCast: please check</source>
        <translation>SkuCast：请检查</translation>
    </message>
</context>
<context>
    <name>CleaningPanel</name>
    <message>
        <source>Cleaning</source>
        <extracomment>Option name -&gt; its choices, in display order (core's allowed values).</extracomment>
        <translation>数据清洗</translation>
    </message>
    <message>
        <source>Missing sales</source>
        <translation>缺失销量</translation>
    </message>
    <message>
        <source>Outliers</source>
        <translation>异常值</translation>
    </message>
    <message>
        <source>Repeated rows</source>
        <translation>重复行</translation>
    </message>
    <message>
        <source>Negative sales</source>
        <translation>负销量</translation>
    </message>
    <message>
        <source>0: nothing was sold</source>
        <translation>记为 0（当天无销售）</translation>
    </message>
    <message>
        <source>Last known value</source>
        <translation>沿用上一个值</translation>
    </message>
    <message>
        <source>Line between neighbours</source>
        <translation>前后线性插值</translation>
    </message>
    <message>
        <source>Product average</source>
        <translation>商品平均值</translation>
    </message>
    <message>
        <source>Product median</source>
        <translation>商品中位数</translation>
    </message>
    <message>
        <source>Keep all (peaks are real)</source>
        <translation>全部保留（高峰是真实需求）</translation>
    </message>
    <message>
        <source>Clip far outliers (IQR x {k:g})</source>
        <translation>截断极端值（IQR × {k:g}）</translation>
    </message>
    <message>
        <source>Clip beyond {s:g} std. dev.</source>
        <translation>截断超过 {s:g} 倍标准差的值</translation>
    </message>
    <message>
        <source>Add up (order lines)</source>
        <translation>相加（订单明细）</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>取平均</translation>
    </message>
    <message>
        <source>Keep the last</source>
        <translation>保留最后一行</translation>
    </message>
    <message>
        <source>Set to 0 (returns)</source>
        <translation>记为 0（退货）</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Festival and promotion peaks are real demand: clip only values that are certainly errors.</source>
        <translation>购物节和促销高峰是真实需求：只截断确定有误的值。</translation>
    </message>
    <message>
        <source>Insert missing days, weeks or months</source>
        <translation>补齐缺失的日期（日、周或月）</translation>
    </message>
    <message>
        <source>Apply cleaning</source>
        <translation>应用清洗</translation>
    </message>
    <message>
        <source>Cleaning never changes your file. Every change is listed in the report of the Import step.</source>
        <translation>清洗不会修改您的文件。每一处改动都列在“导入”步骤的报告中。</translation>
    </message>
</context>
<context>
    <name>CleaningPreview</name>
    <message>
        <source>Before and after cleaning</source>
        <translation>清洗前后对比</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Import a sales file to preview the cleaning.</source>
        <translation>导入销售文件后即可预览清洗效果。</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入值</translation>
    </message>
    <message>
        <source>Cleaned</source>
        <translation>清洗后</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>已修改</translation>
    </message>
    <message>
        <source>rows merged</source>
        <translation>行已合并</translation>
    </message>
    <message>
        <source>negatives set to 0</source>
        <translation>个负值记为 0</translation>
    </message>
    <message>
        <source>periods inserted</source>
        <translation>期已补齐</translation>
    </message>
    <message>
        <source>values filled</source>
        <translation>个值已填补</translation>
    </message>
    <message>
        <source>values clipped</source>
        <translation>个值已截断</translation>
    </message>
    <message>
        <source>stock-out days given a demand estimate</source>
        <translation>断货日已估计需求</translation>
    </message>
    <message>
        <source>This product: {n} values changed ({what}).</source>
        <translation>此商品：修改 {n} 个值（{what}）。</translation>
    </message>
    <message>
        <source>This product: nothing to change with these options.</source>
        <translation>此商品：按当前选项无需修改。</translation>
    </message>
    <message>
        <source>All products, as applied: {n} changes ({what}).</source>
        <translation>全部商品（已应用）：共 {n} 处修改（{what}）。</translation>
    </message>
    <message>
        <source>All products, as applied: no value was changed.</source>
        <translation>全部商品（已应用）：没有值被修改。</translation>
    </message>
</context>
<context>
    <name>FeaturesView</name>
    <message>
        <source>Features</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>Features and cleaning</source>
        <translation>特征与清洗</translation>
    </message>
    <message>
        <source>Choose what the forecasting model may learn from and how gaps, repeated rows and extreme values are cleaned.</source>
        <translation>选择预测模型可以学习的信息，以及如何处理缺失、重复行和极端值。</translation>
    </message>
    <message>
        <source>Feature groups</source>
        <translation>特征组</translation>
    </message>
    <message>
        <source>Used by the LSTM model; the simple baselines do not need them.</source>
        <translation>供 LSTM 模型使用；简单基准模型不需要这些特征。</translation>
    </message>
    <message>
        <source>Holidays and shopping festivals</source>
        <translation>节假日与购物节</translation>
    </message>
    <message>
        <source>China (Spring Festival, 618, Double 11)</source>
        <translation>中国（春节、618、双11）</translation>
    </message>
    <message>
        <source>United States (Black Friday, Prime Day, Christmas)</source>
        <translation>美国（黑五、Prime Day、圣诞节）</translation>
    </message>
    <message>
        <source>United Kingdom (bank holidays, Christmas)</source>
        <translation>英国（法定假日、圣诞节）</translation>
    </message>
    <message>
        <source>International (Black Friday, Christmas, Double 11)</source>
        <translation>国际（黑五、圣诞节、双11）</translation>
    </message>
    <message>
        <source>The calendar of the market the shop sells to.</source>
        <translation>选择店铺所面向市场的日历。</translation>
    </message>
    <message>
        <source>Feature importance</source>
        <translation>特征重要性</translation>
    </message>
    <message>
        <source>Train an LSTM model to see which feature groups its forecasts rely on.</source>
        <translation>训练 LSTM 模型后，可在此查看预测主要依赖哪些特征组。</translation>
    </message>
    <message>
        <source>Share of the importance (%)</source>
        <translation>重要性占比（%）</translation>
    </message>
    <message>
        <source>Next: training</source>
        <translation>下一步：训练</translation>
    </message>
    <message>
        <source>Keep at least one feature group.</source>
        <translation>请至少保留一个特征组。</translation>
    </message>
    <message>
        <source>Cleaning...</source>
        <translation>正在清洗...</translation>
    </message>
    <message>
        <source>These options are applied.</source>
        <translation>当前选项已应用。</translation>
    </message>
    <message>
        <source>Not applied yet: the preview shows the new options.</source>
        <translation>尚未应用：预览显示的是新选项的效果。</translation>
    </message>
    <message>
        <source>Applying them drops the trained model.</source>
        <translation>应用后需要重新训练模型。</translation>
    </message>
    <message>
        <source>Cleaning applied: {n} values changed.</source>
        <translation>清洗已应用：共修改 {n} 个值。</translation>
    </message>
</context>
<context>
    <name>ForecastPlot</name>
    <message>
        <source>Units sold</source>
        <extracomment>Soft fills of the life stages (RGBA), readable under the curves.</extracomment>
        <translation>销量</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>实际销量</translation>
    </message>
    <message>
        <source>Backtest</source>
        <translation>回测预测</translation>
    </message>
    <message>
        <source>Forecast (expected)</source>
        <translation>预测均值（期望）</translation>
    </message>
    <message>
        <source>Median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <source>{levels}% interval</source>
        <translation>{levels}% 预测区间</translation>
    </message>
    <message>
        <source>Shopping festival</source>
        <translation>购物节</translation>
    </message>
</context>
<context>
    <name>ForecastView</name>
    <message>
        <source>Forecast</source>
        <extracomment>Days of history shown before the forecast (the span choices); None: all of it.</extracomment>
        <translation>预测</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>History shown:</source>
        <translation>显示历史：</translation>
    </message>
    <message>
        <source>Last 3 months</source>
        <translation>最近 3 个月</translation>
    </message>
    <message>
        <source>Last 6 months</source>
        <translation>最近 6 个月</translation>
    </message>
    <message>
        <source>Last year</source>
        <translation>最近 1 年</translation>
    </message>
    <message>
        <source>All history</source>
        <translation>全部历史</translation>
    </message>
    <message>
        <source>Export forecasts...</source>
        <translation>导出预测...</translation>
    </message>
    <message>
        <source>Export chart...</source>
        <translation>导出图表...</translation>
    </message>
    <message>
        <source>Go to training</source>
        <translation>前往训练</translation>
    </message>
    <message>
        <source>Open a sales file first (step 1).</source>
        <translation>请先打开销售文件（第 1 步）。</translation>
    </message>
    <message>
        <source>No trained model yet. Train a model first, then come back to forecast.</source>
        <translation>还没有训练好的模型。请先训练模型，再回来进行预测。</translation>
    </message>
    <message>
        <source>Press Forecast to forecast the next {n} periods.</source>
        <translation>点击“预测”，预测未来 {n} 期。</translation>
    </message>
    <message>
        <source>The plan {name} goes with it.</source>
        <translation>将同时使用计划 {name}。</translation>
    </message>
    <message>
        <source>{products} forecast {h} periods ahead ({levels}% intervals).</source>
        <translation>已预测 {products}未来 {h} 期（{levels}% 预测区间）。</translation>
    </message>
    <message>
        <source>ETS fitted the sales without the shop's festival lift and put it back into the forecast: {lifts}.</source>
        <translation>ETS 先去掉店铺的节日拉动再拟合销量，预测时按期加回：{lifts}。</translation>
    </message>
    <message>
        <source>Planned promotions and prices from {name} used.</source>
        <translation>已使用 {name} 中的计划促销与价格。</translation>
    </message>
    <message>
        <source>Planned promotions from {name} used.</source>
        <translation>已使用 {name} 中的计划促销。</translation>
    </message>
    <message>
        <source>Planned prices from {name} used.</source>
        <translation>已使用 {name} 中的计划价格。</translation>
    </message>
    <message>
        <source>{name} was not used: this model does not read planned promotions or prices.</source>
        <translation>未使用 {name}：该模型不读取计划促销或价格。</translation>
    </message>
    <message>
        <source>Train a model first.</source>
        <translation>请先训练模型。</translation>
    </message>
    <message>
        <source>A sales file is being imported…</source>
        <translation>正在导入销售文件…</translation>
    </message>
    <message>
        <source>Forecasting...</source>
        <translation>正在预测...</translation>
    </message>
    <message>
        <source>Forecasting with the new model...</source>
        <translation>正在用新模型预测...</translation>
    </message>
    <message>
        <source>Kept in the forecast archive beside the project.</source>
        <translation>已存入项目旁的预测存档。</translation>
    </message>
    <message>
        <source>Forecast cancelled.</source>
        <translation>预测已取消。</translation>
    </message>
    <message>
        <source>Written: {path}</source>
        <translation>已写入：{path}</translation>
    </message>
    <message>
        <source>Export forecasts</source>
        <translation>导出预测</translation>
    </message>
    <message>
        <source>CSV (Excel)</source>
        <translation>CSV（Excel）</translation>
    </message>
    <message>
        <source>Excel workbook</source>
        <translation>Excel 工作簿</translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG image</source>
        <translation>PNG 图片</translation>
    </message>
    <message>
        <source>SVG drawing</source>
        <translation>SVG 矢量图</translation>
    </message>
</context>
<context>
    <name>ImportView</name>
    <message>
        <source>Import</source>
        <extracomment>Canonical columns first, in this order; the rest (extra features) follow. (path, options, source_bytes) of the import running now. The file the forms refer to: (path, options, source_bytes, columns, sheets). The training region nobody chose: the one at start, then the last suggestion.</extracomment>
        <translation>导入</translation>
    </message>
    <message>
        <source>Import sales data</source>
        <translation>导入销售数据</translation>
    </message>
    <message>
        <source>Open the sales export of your shop (CSV or Excel). SkuCast finds the date, product and sales columns and checks every row; check the result below.</source>
        <translation>打开店铺后台导出的销售数据（CSV 或 Excel）。SkuCast 会自动识别日期、商品和销量列并逐行检查，请在下方核对结果。</translation>
    </message>
    <message>
        <source>Open file...</source>
        <translation>打开文件...</translation>
    </message>
    <message>
        <source>or drop a CSV or Excel file on the window</source>
        <translation>或将 CSV / Excel 文件拖放到窗口中</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Next: features</source>
        <translation>下一步：特征</translation>
    </message>
    <message>
        <source>Imported rows</source>
        <translation>已导入的数据</translation>
    </message>
    <message>
        <source>Checks and cleaning</source>
        <translation>检查与清洗</translation>
    </message>
    <message>
        <source>No data yet.
Open a sales file to see its rows here.</source>
        <translation>还没有数据。
打开销售文件后，数据会显示在这里。</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Units sold</source>
        <translation>销量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Promotion</source>
        <translation>促销</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>销售额</translation>
    </message>
    <message>
        <source>Row in file</source>
        <translation>文件行号</translation>
    </message>
    <message>
        <source>No data loaded.</source>
        <translation>尚未加载数据。</translation>
    </message>
    <message>
        <source>daily</source>
        <translation>按日</translation>
    </message>
    <message>
        <source>weekly</source>
        <translation>按周</translation>
    </message>
    <message>
        <source>monthly</source>
        <translation>按月</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt;: {products}, {rows} rows, {a} to {b}, {freq}</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;：{products}，{rows} 行，{a} 至 {b}，{freq}</translation>
    </message>
    <message>
        <source>China</source>
        <translation>中国</translation>
    </message>
    <message>
        <source>United States</source>
        <translation>美国</translation>
    </message>
    <message>
        <source>International</source>
        <translation>国际</translation>
    </message>
    <message>
        <source>United Kingdom</source>
        <translation>英国</translation>
    </message>
    <message>
        <source>the country column '{column}'</source>
        <translation>国家列“{column}”</translation>
    </message>
    <message>
        <source>the currency column '{column}'</source>
        <translation>币种列“{column}”</translation>
    </message>
    <message>
        <source>the currency signs in '{column}'</source>
        <translation>“{column}”中的货币符号</translation>
    </message>
    <message>
        <source>the column names</source>
        <translation>中文列名</translation>
    </message>
    <message>
        <source>Reading {name} part by part: {done} of {total} MB</source>
        <translation>正在分块读取 {name}：已读 {done} / {total} MB</translation>
    </message>
    <message>
        <source>Imported {name}: {products}.</source>
        <translation>已导入 {name}：{products}。</translation>
    </message>
    <message>
        <source>Open sales file</source>
        <translation>打开销售文件</translation>
    </message>
    <message>
        <source>Holidays: {region} suggested from {signal} ({evidence}). In use; change it under Features.</source>
        <translation>节假日：根据{signal}建议使用{region}日历（{evidence}），已采用；可在“特征”页更改。</translation>
    </message>
    <message>
        <source>Holidays: {region} suggested from {signal} ({evidence}). In use: {used}, as chosen under Features.</source>
        <translation>节假日：根据{signal}建议使用{region}日历（{evidence}）；当前使用在“特征”页选择的{used}日历。</translation>
    </message>
    <message>
        <source>Sales files (*.csv *.txt *.tsv *.gz *.xlsx *.xlsm);;All files (*)</source>
        <translation>销售文件 (*.csv *.txt *.tsv *.gz *.xlsx *.xlsm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Please wait: an import is still running.</source>
        <translation>请稍候：导入仍在进行中。</translation>
    </message>
    <message>
        <source>Reading {name}...</source>
        <translation>正在读取 {name}...</translation>
    </message>
    <message>
        <source>Checking columns, dates and quantities...</source>
        <translation>正在检查列、日期和销量...</translation>
    </message>
    <message>
        <source>Cleaning...</source>
        <translation>正在清洗...</translation>
    </message>
    <message>
        <source>Import cancelled; the previous data is kept.</source>
        <translation>导入已取消，之前的数据保持不变。</translation>
    </message>
</context>
<context>
    <name>InventoryForm</name>
    <message>
        <source>Inventory settings for all products</source>
        <extracomment>Settings of the form: option field, range, decimals, step, form value per option unit.</extracomment>
        <translation>所有商品的库存设置</translation>
    </message>
    <message>
        <source>Lead time (days)</source>
        <translation>交货期（天）</translation>
    </message>
    <message>
        <source>Review period (days)</source>
        <translation>补货周期（天）</translation>
    </message>
    <message>
        <source>Service level (%)</source>
        <translation>服务水平（%）</translation>
    </message>
    <message>
        <source>Minimum order (MOQ)</source>
        <translation>起订量（MOQ）</translation>
    </message>
    <message>
        <source>Pack size</source>
        <translation>包装数量</translation>
    </message>
    <message>
        <source>Load stock file...</source>
        <translation>导入库存文件...</translation>
    </message>
    <message>
        <source>Reset per-product edits</source>
        <translation>清除单品修改</translation>
    </message>
    <message>
        <source>Stock on hand: the last value of the sales file's stock column.</source>
        <translation>现有库存：取销售文件库存列的最新值。</translation>
    </message>
    <message>
        <source>Stock on hand: unknown (taken as 0); load a stock file or type it in.</source>
        <translation>现有库存：未知（按 0 计算）；请导入库存文件或在表格中填写。</translation>
    </message>
    <message>
        <source>{products} with their own stock or settings.</source>
        <translation>{products}有单独的库存或设置。</translation>
    </message>
    <message>
        <source>Load stock file</source>
        <translation>导入库存文件</translation>
    </message>
    <message>
        <source>Tables (*.csv *.txt *.xlsx *.xlsm)</source>
        <translation>表格文件 (*.csv *.txt *.xlsx *.xlsm)</translation>
    </message>
</context>
<context>
    <name>LeaderboardPanel</name>
    <message>
        <source>Rank</source>
        <extracomment>Shares shown in percent (the leaderboard holds fractions).</extracomment>
        <translation>排名</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>MASE</source>
        <translation>MASE</translation>
    </message>
    <message>
        <source>WAPE %</source>
        <translation>WAPE %</translation>
    </message>
    <message>
        <source>sMAPE %</source>
        <translation>sMAPE %</translation>
    </message>
    <message>
        <source>MAE</source>
        <translation>MAE</translation>
    </message>
    <message>
        <source>RMSE</source>
        <translation>RMSE</translation>
    </message>
    <message>
        <source>RMSSE</source>
        <translation>RMSSE</translation>
    </message>
    <message>
        <source>Bias %</source>
        <translation>偏差 %</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>用时（秒）</translation>
    </message>
    <message>
        <source>{level}% interval hit %</source>
        <translation>{level}% 区间命中率 %</translation>
    </message>
    <message>
        <source>Lower is better for MASE, WAPE, sMAPE, MAE and RMSE. MASE below 1 beats a naive forecast; bias above 0 means forecasts run high; an interval's hit rate should be close to its level. ★ marks the model you trained.</source>
        <translation>MASE、WAPE、sMAPE、MAE 和 RMSE 越低越好。MASE 小于 1 表示优于朴素预测；偏差大于 0 表示预测偏高；区间命中率应接近其置信水平。★ 标记的是您训练的模型。</translation>
    </message>
</context>
<context>
    <name>LossPlot</name>
    <message>
        <source>Epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Loss (lower is better)</source>
        <translation>损失（越低越好）</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>Validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>The loss curves appear here while the model trains.</source>
        <translation>模型训练时，损失曲线将显示在这里。</translation>
    </message>
    <message>
        <source>Epoch (right of the dotted line: trained on to the latest data)</source>
        <translation>训练轮次（虚线右侧：在最新数据上继续训练）</translation>
    </message>
    <message>
        <source>best epoch: {epoch}</source>
        <translation>最佳轮次：{epoch}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Import data</source>
        <extracomment>The Overview's index for :meth:`MainWindow.show_step` (after the five steps). Close once the save running now has finished (set by the close prompt).</extracomment>
        <translation>导入数据</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Recommendations</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>概览</translation>
    </message>
    <message>
        <source>{name}: {products}, {a} to {b}</source>
        <translation>{name}：{products}，{a} 至 {b}</translation>
    </message>
    <message>
        <source>Sales files (*.csv *.txt *.tsv *.gz *.xlsx *.xlsm);;All files (*)</source>
        <translation>销售文件 (*.csv *.txt *.tsv *.gz *.xlsx *.xlsm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open sales file...</source>
        <translation>打开销售文件(&amp;O)...</translation>
    </message>
    <message>
        <source>Open &amp;sample shop</source>
        <translation>打开示例店铺(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Recent files</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Open &amp;project...</source>
        <translation>打开项目(&amp;P)...</translation>
    </message>
    <message>
        <source>&amp;Save project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <source>Save project &amp;as...</source>
        <translation>项目另存为(&amp;A)...</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>Forecasts (CSV/XLSX)...</source>
        <translation>预测结果（CSV/XLSX）...</translation>
    </message>
    <message>
        <source>Chart (PNG/SVG)...</source>
        <translation>图表（PNG/SVG）...</translation>
    </message>
    <message>
        <source>Recommendations (CSV/XLSX)...</source>
        <translation>补货与促销建议（CSV/XLSX）...</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>User &amp;guide</source>
        <translation>用户指南(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;About SkuCast</source>
        <translation>关于 SkuCast(&amp;A)</translation>
    </message>
    <message>
        <source>No data loaded</source>
        <translation>尚未导入数据</translation>
    </message>
    <message>
        <source>Open sales file</source>
        <translation>打开销售文件</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>SkuCast projects (*.skucast)</source>
        <translation>SkuCast 项目 (*.skucast)</translation>
    </message>
    <message>
        <source>Opening project {name}...</source>
        <translation>正在打开项目 {name}...</translation>
    </message>
    <message>
        <source>Nothing to save yet: open a sales file first.</source>
        <translation>还没有可保存的内容：请先打开销售文件。</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <source>Saving {name}...</source>
        <translation>正在保存 {name}...</translation>
    </message>
    <message>
        <source>Please wait: SkuCast is still working.</source>
        <translation>请稍候：SkuCast 仍在处理中。</translation>
    </message>
    <message>
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
    <message>
        <source>Opened {name}</source>
        <translation>已打开 {name}</translation>
    </message>
    <message>
        <source>Could not save the project</source>
        <translation>无法保存项目</translation>
    </message>
    <message>
        <source>Could not open the project</source>
        <translation>无法打开项目</translation>
    </message>
    <message>
        <source>About SkuCast</source>
        <translation>关于 SkuCast</translation>
    </message>
    <message>
        <source>&lt;b&gt;SkuCast {v}&lt;/b&gt;&lt;p&gt;Offline sales and product-lifecycle forecasting for online stores: forecasts with intervals, lifecycle stages and reorder and promotion advice, compared honestly with simple baselines.&lt;/p&gt;</source>
        <translation>&lt;b&gt;SkuCast {v}&lt;/b&gt;&lt;p&gt;面向网店的离线销量与商品生命周期预测：带区间的预测、生命周期阶段、补货与促销建议，并与简单基准模型如实对比。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Unsaved work</source>
        <translation>未保存的工作</translation>
    </message>
    <message>
        <source>The current analysis has unsaved changes. Save it as a project first?</source>
        <translation>当前分析有未保存的更改。是否先保存为项目？</translation>
    </message>
</context>
<context>
    <name>MappingPanel</name>
    <message>
        <source>Columns</source>
        <extracomment>Optional roles: found from the header names, changeable like the others.</extracomment>
        <translation>列映射</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Product ID</source>
        <translation>商品 ID</translation>
    </message>
    <message>
        <source>Second ID (e.g. store)</source>
        <translation>第二 ID（如门店）</translation>
    </message>
    <message>
        <source>Units sold</source>
        <translation>销量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Promotion</source>
        <translation>促销</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Product name</source>
        <translation>商品名称</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类目</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Found from the column headers. Choose another column, or (none) when the file has none, then Apply mapping.</source>
        <translation>根据表头自动识别。可改选其他列；文件中没有该列时选“（无）”，然后点击“应用列映射”。</translation>
    </message>
    <message>
        <source>Columns are found from the headers; change any of them and press Apply mapping to import again.</source>
        <translation>各列根据表头自动识别；可修改任意一项，然后点击“应用列映射”重新导入。</translation>
    </message>
    <message>
        <source>Codes that differ only in letter case are one product</source>
        <translation>仅大小写不同的编码视为同一商品</translation>
    </message>
    <message>
        <source>85123A and 85123a are read as one product (by default they are kept apart and reported).</source>
        <translation>85123A 与 85123a 读作同一商品（默认分开，并在报告中提示）。</translation>
    </message>
    <message>
        <source>Each row is one unit sold</source>
        <translation>每行是售出的一件</translation>
    </message>
    <message>
        <source>For order exports without a quantity column, where each unit sold is a row of its own. Any Units sold column is then ignored.</source>
        <translation>用于没有数量列、每售出一件占一行的订单导出。勾选后不使用“销量”列。</translation>
    </message>
    <message>
        <source>A second ID column, when a product is only unique per store or warehouse.</source>
        <translation>当商品只在门店或仓库内唯一时，再选一个 ID 列。</translation>
    </message>
    <message>
        <source>Apply mapping</source>
        <translation>应用列映射</translation>
    </message>
</context>
<context>
    <name>OrdersPanel</name>
    <message>
        <source>Orders by supplier</source>
        <extracomment>Column layouts offered for the exports (``file``: a layout file).</extracomment>
        <translation>按供应商的采购单</translation>
    </message>
    <message>
        <source>Order date:</source>
        <translation>下单日期：</translation>
    </message>
    <message>
        <source>Cash budget:</source>
        <translation>资金预算：</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Columns:</source>
        <translation>列格式：</translation>
    </message>
    <message>
        <source>Generic (bilingual)</source>
        <translation>通用（中英双语）</translation>
    </message>
    <message>
        <source>聚水潭 (Jushuitan)</source>
        <translation>聚水潭</translation>
    </message>
    <message>
        <source>旺店通 (Wangdiantong)</source>
        <translation>旺店通</translation>
    </message>
    <message>
        <source>From a layout file...</source>
        <translation>从列格式文件...</translation>
    </message>
    <message>
        <source>Warehouse:</source>
        <translation>仓库：</translation>
    </message>
    <message>
        <source>Buyer:</source>
        <translation>采购员：</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>导出 CSV...</translation>
    </message>
    <message>
        <source>Export XLSX...</source>
        <translation>导出 XLSX...</translation>
    </message>
    <message>
        <source>by product</source>
        <translation>按商品</translation>
    </message>
    <message>
        <source>by category</source>
        <translation>按类目</translation>
    </message>
    <message>
        <source>by the default row</source>
        <translation>按默认行</translation>
    </message>
    <message>
        <source>settings</source>
        <translation>库存设置</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <source>Supplier code</source>
        <translation>供应商编码</translation>
    </message>
    <message>
        <source>PO number</source>
        <translation>采购单号</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Lines without cost</source>
        <translation>缺少单价的行数</translation>
    </message>
    <message>
        <source>Order date</source>
        <translation>下单日期</translation>
    </message>
    <message>
        <source>First arrival</source>
        <translation>最早到货</translation>
    </message>
    <message>
        <source>Last arrival</source>
        <translation>最晚到货</translation>
    </message>
    <message>
        <source>Product ID</source>
        <translation>商品编码</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Unit cost</source>
        <translation>采购价</translation>
    </message>
    <message>
        <source>Line value</source>
        <translation>行金额</translation>
    </message>
    <message>
        <source>Lead time (days)</source>
        <translation>交货期（天）</translation>
    </message>
    <message>
        <source>MOQ</source>
        <translation>起订量</translation>
    </message>
    <message>
        <source>Pack size</source>
        <translation>箱规</translation>
    </message>
    <message>
        <source>Expected arrival</source>
        <translation>预计到货</translation>
    </message>
    <message>
        <source>Supplier values</source>
        <translation>供应商信息来源</translation>
    </message>
    <message>
        <source>Cut by the budget</source>
        <translation>预算削减数量</translation>
    </message>
    <message>
        <source>{n} orders, {l} lines, {u} units, total value {v}.</source>
        <translation>共 {n} 张采购单、{l} 行、{u} 件，总金额 {v}。</translation>
    </message>
    <message>
        <source>Order lines (all orders):</source>
        <translation>采购明细（全部采购单）：</translation>
    </message>
    <message>
        <source>Order lines of {no}:</source>
        <translation>{no} 的采购明细：</translation>
    </message>
</context>
<context>
    <name>OverviewView</name>
    <message>
        <source>Overview</source>
        <extracomment>Products listed on a card. Views the step buttons of the hint lead to (main-window step indexes). ``(view, ids, title)``: show the products ``ids`` in ``view`` (``recommendations`` or ``forecast``); ``title`` says what they are.</extracomment>
        <translation>概览</translation>
    </message>
    <message>
        <source>Products by lifecycle stage</source>
        <translation>各生命周期阶段的商品数</translation>
    </message>
    <message>
        <source>ABC (share of sales value) x XYZ (demand variability)</source>
        <translation>ABC（销售额占比）× XYZ（需求波动）</translation>
    </message>
    <message>
        <source>A: top 80% of value</source>
        <translation>A：销售额前 80%</translation>
    </message>
    <message>
        <source>B: next 15%</source>
        <translation>B：其后 15%</translation>
    </message>
    <message>
        <source>C: last 5%</source>
        <translation>C：最后 5%</translation>
    </message>
    <message>
        <source>X: steady (CV up to 0.5)</source>
        <translation>X：平稳（变异系数 ≤ 0.5）</translation>
    </message>
    <message>
        <source>Y: variable (0.5 to 1)</source>
        <translation>Y：波动（0.5 至 1）</translation>
    </message>
    <message>
        <source>Z: erratic (above 1, or new)</source>
        <translation>Z：不规则（大于 1 或新品）</translation>
    </message>
    <message>
        <source>Click a count to see those products.</source>
        <translation>点击数字查看这些商品。</translation>
    </message>
    <message>
        <source>Stages and ABC x XYZ</source>
        <translation>生命周期阶段与 ABC × XYZ</translation>
    </message>
    <message>
        <source>Forecast accuracy over time</source>
        <translation>预测准确度随时间变化</translation>
    </message>
    <message>
        <source>To order now</source>
        <translation>需立即订货</translation>
    </message>
    <message>
        <source>Out of stock now</source>
        <translation>当前已断货</translation>
    </message>
    <message>
        <source>Out of stock within the lead time</source>
        <translation>交货期内将断货</translation>
    </message>
    <message>
        <source>Excess stock</source>
        <translation>库存积压</translation>
    </message>
    <message>
        <source>Stage changed</source>
        <translation>阶段发生变化</translation>
    </message>
    <message>
        <source>Entering decline within 8 weeks</source>
        <translation>8 周内进入衰退期</translation>
    </message>
    <message>
        <source>To promote for the next festival</source>
        <translation>下个购物节建议促销</translation>
    </message>
    <message>
        <source>Forecast accuracy</source>
        <translation>预测准确率</translation>
    </message>
    <message>
        <source>Reading the recommendations...</source>
        <translation>正在汇总建议...</translation>
    </message>
    <message>
        <source>Open a sales file to begin (step 1: Import).</source>
        <translation>请先打开销售文件（第 1 步：导入）。</translation>
    </message>
    <message>
        <source>Train a model next (step 3: Train).</source>
        <translation>下一步：训练模型（第 3 步：训练）。</translation>
    </message>
    <message>
        <source>Forecast every product next (step 4: Forecast).</source>
        <translation>下一步：预测所有商品（第 4 步：预测）。</translation>
    </message>
    <message>
        <source>Compute the recommendations next (step 5: Recommendations): the overview sums them up.</source>
        <translation>下一步：生成补货与促销建议（第 5 步：建议），概览会汇总这些建议。</translation>
    </message>
    <message>
        <source>What needs attention now, once there is advice.</source>
        <translation>生成建议后，这里会汇总当前需要处理的事项。</translation>
    </message>
    <message>
        <source>Go there</source>
        <translation>前往</translation>
    </message>
    <message>
        <source>What needs attention now: {products}, data up to {date}. Click a card or a count to see the products.</source>
        <translation>当前需要处理的事项：共 {products}，数据截至 {date}。点击卡片或数字可查看对应商品。</translation>
    </message>
    <message>
        <source>Click to see these products.</source>
        <translation>点击查看这些商品。</translation>
    </message>
    <message>
        <source>{u} units (the data has no prices)</source>
        <translation>{u} 件（数据中没有价格）</translation>
    </message>
    <message>
        <source>at cost</source>
        <translation>按成本计</translation>
    </message>
    <message>
        <source>at selling price</source>
        <translation>按售价计</translation>
    </message>
    <message>
        <source>at cost, else at selling price</source>
        <translation>按成本计（无成本时按售价）</translation>
    </message>
    <message>
        <source>Order value {v}</source>
        <translation>订货金额 {v}</translation>
    </message>
    <message>
        <source>Over {d} days of cover</source>
        <translation>可售天数超过 {d} 天</translation>
    </message>
    <message>
        <source>Over {d} days of cover; value {v}, median {m} days</source>
        <translation>可售天数超过 {d} 天；金额 {v}，可售天数中位数 {m} 天</translation>
    </message>
    <message>
        <source>No earlier run to compare with.</source>
        <translation>没有可比较的上次运行。</translation>
    </message>
    <message>
        <source>Since the last run ({date})</source>
        <translation>自上次运行（{date}）以来</translation>
    </message>
    <message>
        <source>Since {date} (a week ago)</source>
        <translation>自 {date}（一周前）以来</translation>
    </message>
    <message>
        <source>Plan the clearance; stop reordering.</source>
        <translation>请安排清仓，停止补货。</translation>
    </message>
    <message>
        <source>No shopping festival in the next 60 days.</source>
        <translation>未来 60 天内没有购物节。</translation>
    </message>
    <message>
        <source>{name} on {date}</source>
        <translation>{name}（{date}）</translation>
    </message>
    <message>
        <source>Last run ({date})</source>
        <translation>上次运行（{date}）</translation>
    </message>
    <message>
        <source>Backtest</source>
        <translation>回测</translation>
    </message>
    <message>
        <source>{source}, {model}: MASE {mase}</source>
        <translation>{source}，{model}：MASE {mase}</translation>
    </message>
    <message>
        <source>No stock on hand.</source>
        <translation>现有库存为 0。</translation>
    </message>
    <message>
        <source>Stock lasts less than the lead time.</source>
        <translation>库存撑不到交货期结束。</translation>
    </message>
    <message>
        <source>... and {n} more</source>
        <translation>……另有 {n} 个</translation>
    </message>
    <message>
        <source>Worst forecast:</source>
        <translation>预测偏差最大：</translation>
    </message>
    <message>
        <source>order {n}</source>
        <translation>订 {n}</translation>
    </message>
    <message>
        <source>out {date}</source>
        <translation>{date} 断货</translation>
    </message>
    <message>
        <source>no sales expected</source>
        <translation>预计无销售</translation>
    </message>
    <message>
        <source>{d} days</source>
        <translation>{d} 天</translation>
    </message>
    <message>
        <source>from {date}</source>
        <translation>{date} 起</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>商品数</translation>
    </message>
    <message>
        <source>Last 52 weeks of sales.</source>
        <translation>按最近 52 周的销售计算。</translation>
    </message>
    <message>
        <source>ABC by units sold: the data has no prices.</source>
        <translation>数据中没有价格，ABC 按销量计算。</translation>
    </message>
    <message>
        <source>class {abc}{xyz}</source>
        <translation>{abc}{xyz} 类</translation>
    </message>
</context>
<context>
    <name>PlanPanel</name>
    <message>
        <source>Planned promotions and prices</source>
        <translation>计划促销与价格</translation>
    </message>
    <message>
        <source>A CSV or Excel file with the sales file's product ID columns (or unique_id), a date column and a promotion and/or price column for the days ahead. The LSTM and GRU models forecast with it; the baselines ignore it.</source>
        <translation>CSV 或 Excel 文件，包含销售文件的商品 ID 列（或 unique_id）、日期列，以及未来各天的促销列和/或价格列。LSTM 和 GRU 模型会据此预测；基准模型不使用它。</translation>
    </message>
    <message>
        <source>Choose plan file...</source>
        <translation>选择计划文件...</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Not used: {why}</source>
        <translation>未使用：{why}</translation>
    </message>
    <message>
        <source>The forecast keeps using {name}.</source>
        <translation>预测仍使用 {name}。</translation>
    </message>
    <message>
        <source>Open a sales file first: the plan names its products.</source>
        <translation>请先打开销售文件：计划文件要按其中的商品填写。</translation>
    </message>
    <message>
        <source>{name} was dropped: it does not fit the sales data.</source>
        <translation>{name} 已移除：它与销售数据不匹配。</translation>
    </message>
    <message>
        <source>No plan: forecasts assume no promotion and the last known price.</source>
        <translation>未加载计划：预测假定没有促销，价格保持最近一次的价格。</translation>
    </message>
    <message>
        <source>Read again for the new sales data.</source>
        <translation>已按新的销售数据重新读取。</translation>
    </message>
    <message>
        <source>promotion</source>
        <translation>促销</translation>
    </message>
    <message>
        <source>price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>{name}: {products}, {dates} dates ({first} to {last}); columns: {columns}.</source>
        <translation>{name}：{products}，{dates} 个日期（{first} 至 {last}）；列：{columns}。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Products not in the sales file: {n} (e.g. {ids}).</source>
        <translation>不在销售文件中的商品：{n} 个（如 {ids}）。</translation>
    </message>
    <message>
        <source>None of its dates is after the sales data's last day, so it does not change the forecast.</source>
        <translation>其中没有晚于销售数据最后一天的日期，因此不会改变预测。</translation>
    </message>
    <message>
        <source>Choose a plan file</source>
        <translation>选择计划文件</translation>
    </message>
    <message>
        <source>Tables (*.csv *.txt *.xlsx *.xlsm)</source>
        <translation>表格文件 (*.csv *.txt *.xlsx *.xlsm)</translation>
    </message>
    <message>
        <source>Plan cleared: forecasts assume no promotion.</source>
        <translation>已清除计划：预测假定没有促销。</translation>
    </message>
</context>
<context>
    <name>ProductInfo</name>
    <message>
        <source>Lifecycle stage</source>
        <translation>生命周期阶段</translation>
    </message>
    <message>
        <source>Not classified yet</source>
        <translation>尚未判断</translation>
    </message>
    <message>
        <source>No forecast for this product.</source>
        <translation>该商品没有预测（已停售或数据不足）。</translation>
    </message>
    <message>
        <source>Expected sales over the next {n} periods: {total} units.</source>
        <translation>未来 {n} 期预计销量（期望）：{total} 件。</translation>
    </message>
    <message>
        <source>Confidence: {p:.0%}</source>
        <translation>置信度：{p:.0%}</translation>
    </message>
    <message>
        <source>Fitted peak: {date}</source>
        <translation>拟合峰值：{date}</translation>
    </message>
    <message>
        <source>No change of stage expected soon.</source>
        <translation>近期预计不会进入下一阶段。</translation>
    </message>
    <message>
        <source>Next stage: {stage}</source>
        <translation>下一阶段：{stage}</translation>
    </message>
    <message>
        <source>Next stage: {stage} from about {date}</source>
        <translation>下一阶段：约 {date} 起进入{stage}</translation>
    </message>
</context>
<context>
    <name>ProductPicker</name>
    <message>
        <source>All categories</source>
        <extracomment>Rows read to fit a column to its contents: 0, the rows on screen (Qt reads up to 1,000 by default, on every change of a column in ``ResizeToContents`` mode).</extracomment>
        <translation>全部类目</translation>
    </message>
    <message>
        <source>All stages</source>
        <translation>全部阶段</translation>
    </message>
    <message>
        <source>{n} of {total} products</source>
        <translation>显示 {n} / {total} 个商品</translation>
    </message>
    <message>
        <source>Search ID or name</source>
        <translation>搜索商品编码或名称</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Units sold</source>
        <translation>总销量</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
</context>
<context>
    <name>PurchaseView</name>
    <message>
        <source>Purchase orders</source>
        <translation>采购单</translation>
    </message>
    <message>
        <source>Load supplier table</source>
        <translation>加载供应商表</translation>
    </message>
    <message>
        <source>Tables (*.csv *.txt *.xlsx *.xlsm)</source>
        <translation>表格文件 (*.csv *.txt *.xlsx *.xlsm)</translation>
    </message>
    <message>
        <source>Import sales data first.</source>
        <translation>请先导入销售数据。</translation>
    </message>
    <message>
        <source>Reading the supplier table...</source>
        <translation>正在读取供应商表...</translation>
    </message>
    <message>
        <source>Supplier table applied: the advice is computed again.</source>
        <translation>已应用供应商表：正在重新计算补货建议。</translation>
    </message>
    <message>
        <source>No supplier table: one order without a supplier, no unit costs.</source>
        <translation>未使用供应商表：所有商品合为一张无供应商、无单价的采购单。</translation>
    </message>
    <message>
        <source>This table</source>
        <translation>本表</translation>
    </message>
    <message>
        <source>{name}: of {n} products, {p} by product, {c} by category, {d} by the default row, {o} by none (inventory settings).</source>
        <translation>{name}：{n} 个商品中，按商品 {p} 个，按类目 {c} 个，按默认行 {d} 个，未匹配（使用库存设置）{o} 个。</translation>
    </message>
    <message>
        <source>Making the orders...</source>
        <translation>正在生成采购单...</translation>
    </message>
    <message>
        <source>Compute the recommendations first (step 5): the orders are made from their order quantities.</source>
        <translation>请先计算补货建议（第 5 步）：采购单根据建议订货量生成。</translation>
    </message>
    <message>
        <source>Orders of the advice: choose an order to see its lines; export them for Excel or your ERP.</source>
        <translation>根据补货建议生成的采购单：选择一张查看明细；可导出为 Excel 或 ERP 导入文件。</translation>
    </message>
    <message>
        <source>Load column layout</source>
        <translation>加载列格式</translation>
    </message>
    <message>
        <source>Layouts (*.json *.csv *.xlsx)</source>
        <translation>列格式文件 (*.json *.csv *.xlsx)</translation>
    </message>
    <message>
        <source>CSV (Excel) (*.csv)</source>
        <translation>CSV（Excel）(*.csv)</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Export purchase orders</source>
        <translation>导出采购单</translation>
    </message>
    <message>
        <source>Written: {path}</source>
        <translation>已写入：{path}</translation>
    </message>
</context>
<context>
    <name>RecommendationsView</name>
    <message>
        <source>Recommendations</source>
        <extracomment>Model refitted at every review of the policy backtest.</extracomment>
        <translation>补货与促销建议</translation>
    </message>
    <message>
        <source>Recommend</source>
        <translation>生成建议</translation>
    </message>
    <message>
        <source>Reviews to replay:</source>
        <translation>回放补货次数：</translation>
    </message>
    <message>
        <source>Policy backtest</source>
        <translation>策略回测</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Go to forecast</source>
        <translation>前往预测</translation>
    </message>
    <message>
        <source>Export...</source>
        <translation>导出...</translation>
    </message>
    <message>
        <source>Purchase orders...</source>
        <translation>采购单...</translation>
    </message>
    <message>
        <source>Show all products</source>
        <translation>显示全部商品</translation>
    </message>
    <message>
        <source>{products}: {o} to order now, {c} to clear, {p} to promote.</source>
        <translation>共 {products}：{o} 个需立即订货，{c} 个建议清仓，{p} 个建议促销。</translation>
    </message>
    <message>
        <source>Filtered: {title} ({products}).</source>
        <translation>已筛选：{title}（{products}）。</translation>
    </message>
    <message>
        <source>That value cannot be used; nothing was changed.</source>
        <translation>该数值无法使用，未做任何修改。</translation>
    </message>
    <message>
        <source>Make a forecast first (step 4).</source>
        <translation>请先进行预测（第 4 步）。</translation>
    </message>
    <message>
        <source>A sales file is being imported…</source>
        <translation>正在导入销售文件…</translation>
    </message>
    <message>
        <source>Stock of {products} read from {name}.</source>
        <translation>已从 {name} 读取 {products}的库存。</translation>
    </message>
    <message>
        <source>Computing the advice...</source>
        <translation>正在计算建议...</translation>
    </message>
    <message>
        <source>Replaying the last reviews...</source>
        <translation>正在回放最近几次补货...</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Make a forecast first (step 4), then come back for advice.</source>
        <translation>请先进行预测（第 4 步），再回来查看建议。</translation>
    </message>
    <message>
        <source>Set lead time and service level, then press Recommend.</source>
        <translation>设置交货期和服务水平后，点击“生成建议”。</translation>
    </message>
    <message>
        <source>Export recommendations</source>
        <translation>导出建议</translation>
    </message>
    <message>
        <source>CSV (Excel) (*.csv);;Excel workbook (*.xlsx)</source>
        <translation>CSV（Excel） (*.csv);;Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Written: {path}</source>
        <translation>已写入：{path}</translation>
    </message>
</context>
<context>
    <name>ReportTable</name>
    <message>
        <source>Severity</source>
        <extracomment>Severity -&gt; (text colour, standard icon).</extracomment>
        <translation>级别</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Rows in file</source>
        <translation>文件行号</translation>
    </message>
    <message>
        <source>What SkuCast did</source>
        <translation>SkuCast 的处理</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Cleaning</source>
        <translation>清洗</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>没有发现问题。</translation>
    </message>
    <message>
        <source>The checks of an imported file appear here.</source>
        <translation>导入文件后，检查结果会显示在这里。</translation>
    </message>
</context>
<context>
    <name>SimulationPanel</name>
    <message>
        <source>Policy backtest: SkuCast's advice vs ordering what sold</source>
        <translation>策略回测：按 SkuCast 建议补货 vs 按上期销量补货</translation>
    </message>
    <message>
        <source>Fill rate (%)</source>
        <translation>满足率（%）</translation>
    </message>
    <message>
        <source>Stock-out periods</source>
        <translation>缺货期数</translation>
    </message>
    <message>
        <source>Average stock</source>
        <translation>平均库存</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订货次数</translation>
    </message>
    <message>
        <source>Units ordered</source>
        <translation>订货总量</translation>
    </message>
    <message>
        <source>Average stock value</source>
        <translation>平均库存价值</translation>
    </message>
    <message>
        <source>Order value</source>
        <translation>订货金额</translation>
    </message>
    <message>
        <source>SkuCast</source>
        <translation>SkuCast</translation>
    </message>
    <message>
        <source>Order what sold</source>
        <translation>按上期销量补货</translation>
    </message>
</context>
<context>
    <name>SourcePanel</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Separator</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Comma (,)</source>
        <translation>逗号 (,)</translation>
    </message>
    <message>
        <source>Semicolon (;)</source>
        <translation>分号 (;)</translation>
    </message>
    <message>
        <source>Tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <source>Pipe (|)</source>
        <translation>竖线 (|)</translation>
    </message>
    <message>
        <source>Choose another encoding when the column names show garbled characters.</source>
        <translation>如果列名显示为乱码，请选择其他编码。</translation>
    </message>
    <message>
        <source>one row per product and period</source>
        <translation>每个商品每期一行</translation>
    </message>
    <message>
        <source>one column per date</source>
        <translation>每个日期一列</translation>
    </message>
    <message>
        <source>order lines, summed per day</source>
        <translation>订单明细，按日合计</translation>
    </message>
    <message>
        <source>No file yet</source>
        <translation>尚未打开文件</translation>
    </message>
    <message>
        <source>not imported</source>
        <translation>未导入</translation>
    </message>
    <message>
        <source>Detected: {name}</source>
        <translation>检测到：{name}</translation>
    </message>
</context>
<context>
    <name>StepProgress</name>
    <message>
        <source>{stage}…</source>
        <translation>{stage}…</translation>
    </message>
    <message>
        <source>{stage}: {done} / {total} products</source>
        <translation>{stage}：{done} / {total} 个商品</translation>
    </message>
    <message>
        <source>{stage}: {done} / {total} reviews</source>
        <translation>{stage}：{done} / {total} 次补货</translation>
    </message>
    <message>
        <source>{stage}: {done} / {total}</source>
        <translation>{stage}：{done} / {total}</translation>
    </message>
    <message>
        <source>almost done</source>
        <translation>即将完成</translation>
    </message>
    <message>
        <source>about {n} s left</source>
        <translation>还剩约 {n} 秒</translation>
    </message>
    <message>
        <source>about {n} min left</source>
        <translation>还剩约 {n} 分钟</translation>
    </message>
    <message>
        <source>about {n} h left</source>
        <translation>还剩约 {n} 小时</translation>
    </message>
</context>
<context>
    <name>SupplierEditor</name>
    <message>
        <source>Supplier table</source>
        <extracomment>Number column -&gt; (lowest value, whether the lowest itself is allowed).</extracomment>
        <translation>供应商表</translation>
    </message>
    <message>
        <source>Load file...</source>
        <translation>加载文件...</translation>
    </message>
    <message>
        <source>Add row</source>
        <translation>添加行</translation>
    </message>
    <message>
        <source>Remove rows</source>
        <translation>删除行</translation>
    </message>
    <message>
        <source>Apply to the advice</source>
        <translation>应用到补货建议</translation>
    </message>
    <message>
        <source>One row per product (its ID), per category, or with neither: the default row. An empty cell leaves the value to the category, the default row or the inventory settings.</source>
        <translation>每行对应一个商品（填商品编码）、一个类目，或两者都不填作为默认行。留空的单元格依次使用类目行、默认行或库存设置中的值。</translation>
    </message>
    <message>
        <source>Product ID</source>
        <translation>商品编码</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类目</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <source>Supplier code</source>
        <translation>供应商编码</translation>
    </message>
    <message>
        <source>Lead time (days)</source>
        <translation>交货期（天）</translation>
    </message>
    <message>
        <source>MOQ</source>
        <translation>起订量</translation>
    </message>
    <message>
        <source>Pack size</source>
        <translation>箱规</translation>
    </message>
    <message>
        <source>Unit cost</source>
        <translation>采购价</translation>
    </message>
</context>
<context>
    <name>TrainingForm</name>
    <message>
        <source>Model</source>
        <extracomment>The model choices in the order the form offers them: deep models, gradient boosting, the ensemble, ``auto``, baselines (the names come from core.forecast; a new model needs only its display text in :meth:`TrainingForm.retranslate`). Choices that use the deep-model settings (``ensemble`` and ``auto`` train an LSTM too). The chosen model changed (the view enables Tune for deep models only).</extracomment>
        <translation>模型</translation>
    </message>
    <message>
        <source>Which forecaster to train. The LSTM learns from all products at once and uses calendar, festival, promotion and price features.</source>
        <translation>要训练的预测模型。LSTM 同时从所有商品中学习，并使用日历、节日、促销和价格特征。</translation>
    </message>
    <message>
        <source>Forecast horizon</source>
        <translation>预测期长度</translation>
    </message>
    <message>
        <source>How far ahead to forecast; the backtest holds out this many of the latest periods.</source>
        <translation>向后预测多远；回测会预留同样多的最近几期数据。</translation>
    </message>
    <message>
        <source>Epochs (max.)</source>
        <translation>训练轮数（上限）</translation>
    </message>
    <message>
        <source>Most passes over the training windows before the backtest periods; training stops earlier once the validation loss stops improving (and on a small shop after about 5 draws of every window). The same network then trains on the latest data for the epochs left, at least a quarter as many.</source>
        <translation>回测期之前对训练窗口的最多遍历次数；验证损失不再改善时提前停止（小店铺约每个窗口抽取 5 次后停止）。随后同一网络在最新数据上继续训练剩余轮次，至少为上限的四分之一。</translation>
    </message>
    <message>
        <source>Intervals</source>
        <translation>预测区间</translation>
    </message>
    <message>
        <source>Prediction intervals to compute: an 80% interval should contain 8 of 10 actual values.</source>
        <translation>要计算的预测区间：80% 区间应包含 10 个实际值中的 8 个。</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>单元数</translation>
    </message>
    <message>
        <source>Width of the recurrent layer. More units learn more patterns but train slower and can overfit.</source>
        <translation>循环层的宽度。单元越多能学到越多规律，但训练更慢，也可能过拟合。</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Stacked recurrent layers. One is enough for most shops.</source>
        <translation>堆叠的循环层数。大多数店铺一层就够了。</translation>
    </message>
    <message>
        <source>Lookback</source>
        <translation>回看期数</translation>
    </message>
    <message>
        <source>Past periods the network reads for each forecast.</source>
        <translation>每次预测时网络读取的历史期数。</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Share of connections switched off while training, against overfitting.</source>
        <translation>训练时随机关闭的连接比例，用于防止过拟合。</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Step size of the optimiser. Lower it when the loss jumps around or becomes NaN.</source>
        <translation>优化器的步长。损失剧烈波动或变为 NaN 时请调低。</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Training windows per optimiser step.</source>
        <translation>每次优化步骤使用的训练窗口数。</translation>
    </message>
    <message>
        <source>Random seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>The same seed and settings train the same model again.</source>
        <translation>相同的种子和设置会再次训练出相同的模型。</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>对比模型</translation>
    </message>
    <message>
        <source>Simple models the backtest compares yours with. A model is only worth using if it beats them.</source>
        <translation>回测中与您的模型对比的简单模型。只有胜过它们的模型才值得使用。</translation>
    </message>
    <message>
        <source>Backtest folds</source>
        <translation>回测折数</translation>
    </message>
    <message>
        <source>How many past cut-off dates to test on. More folds give a surer comparison but take longer.</source>
        <translation>在多少个历史截止日期上测试。折数越多，比较越可靠，但耗时越长。</translation>
    </message>
    <message>
        <source>LSTM (global, recommended)</source>
        <translation>LSTM（全局模型，推荐）</translation>
    </message>
    <message>
        <source>One neural network for all products; learns shared seasonality, festivals and promotion effects.</source>
        <translation>所有商品共用一个神经网络；学习共有的季节性、节日和促销效应。</translation>
    </message>
    <message>
        <source>GRU (global)</source>
        <translation>GRU（全局模型）</translation>
    </message>
    <message>
        <source>Like the LSTM with a lighter cell; often trains a little faster.</source>
        <translation>与 LSTM 类似但单元更轻量；通常训练稍快。</translation>
    </message>
    <message>
        <source>LightGBM (global, gradient boosting)</source>
        <translation>LightGBM（全局模型，梯度提升）</translation>
    </message>
    <message>
        <source>One gradient-boosted tree model for all products; learns from recent sales, calendar, festivals, promotions and prices. Trains in seconds to minutes.</source>
        <translation>所有商品共用一个梯度提升树模型；从近期销量、日历、节日、促销和价格中学习。训练只需几秒到几分钟。</translation>
    </message>
    <message>
        <source>Ensemble (LSTM + LightGBM + best statistical model)</source>
        <translation>集成（LSTM + LightGBM + 最佳统计模型）</translation>
    </message>
    <message>
        <source>Trains the LSTM, LightGBM and the best statistical model of each product, and takes the median of their forecasts and bands for each day. Slower than the LSTM alone, rarely worse than its best member.</source>
        <translation>训练 LSTM、LightGBM 和每个商品的最佳统计模型，并对每一天取它们预测值和区间的中位数。比单独的 LSTM 慢，但很少比其中最好的成员差。</translation>
    </message>
    <message>
        <source>Auto (best per product by backtest)</source>
        <translation>自动（按回测为每个商品选最佳）</translation>
    </message>
    <message>
        <source>Backtests the candidates on each group of products and uses the group's best for each product, unless another model beat it on that product in every backtest window; then scales each model's forecasts by what sold against what it forecast in that backtest.</source>
        <translation>在每组商品上回测候选模型，每个商品默认采用该组整体表现最好的模型；只有当另一模型在该商品的每个回测窗口都更好时才改用它；再按各模型在回测中的实际销量与预测之比缩放其预测。</translation>
    </message>
    <message>
        <source>ETS (exponential smoothing)</source>
        <translation>ETS（指数平滑）</translation>
    </message>
    <message>
        <source>Classic per-product model of level, trend and season, fitted without the shop's festival lift (Double 11, holidays), which is put back into its forecast. Fast and solid.</source>
        <translation>经典的单商品模型，刻画水平、趋势和季节性；先去掉店铺的节日拉动（双11、节假日）再拟合，预测时加回。快速且稳健。</translation>
    </message>
    <message>
        <source>Seasonal naive</source>
        <translation>季节性朴素法</translation>
    </message>
    <message>
        <source>Repeats the last season (e.g. the same weekday last week). The simplest benchmark.</source>
        <translation>重复上一个季节周期（例如上周同一天）。最简单的基准。</translation>
    </message>
    <message>
        <source>MSTL (several seasons)</source>
        <translation>MSTL（多重季节性）</translation>
    </message>
    <message>
        <source>Separates weekly and yearly seasons and forecasts each.</source>
        <translation>分离周季节性和年季节性并分别预测。</translation>
    </message>
    <message>
        <source>Croston (slow movers)</source>
        <translation>Croston（慢动销商品）</translation>
    </message>
    <message>
        <source>For products with many zero-sales days.</source>
        <translation>适用于有很多零销量日的商品。</translation>
    </message>
    <message>
        <source>TSB (slow movers, fading)</source>
        <translation>TSB（慢动销，需求衰减）</translation>
    </message>
    <message>
        <source>Like Croston, but lets demand fade for products that are dying out.</source>
        <translation>与 Croston 类似，但允许即将退市商品的需求逐渐衰减。</translation>
    </message>
    <message>
        <source>ADIDA (slow movers, aggregated)</source>
        <translation>ADIDA（慢动销，聚合）</translation>
    </message>
    <message>
        <source>Adds up slow sales into bigger buckets before forecasting.</source>
        <translation>先把零散的销量汇总成更大的时间段再预测。</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Model settings</source>
        <translation>模型设置</translation>
    </message>
    <message>
        <source>Advanced settings</source>
        <translation>高级设置</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source> weeks</source>
        <translation> 周</translation>
    </message>
    <message>
        <source> months</source>
        <translation> 个月</translation>
    </message>
    <message>
        <source> periods</source>
        <translation> 期</translation>
    </message>
</context>
<context>
    <name>TrainingProgress</name>
    <message>
        <source>Step {step} of {steps}</source>
        <extracomment>the stage line share of the whole task done (0-1); None: unknown seconds left in the current step; None: unknown the event is the first of a step</extracomment>
        <translation>第 {step}/{steps} 步</translation>
    </message>
    <message>
        <source>Measuring which inputs matter most…</source>
        <translation>正在评估哪些输入最重要…</translation>
    </message>
    <message>
        <source>Training {model} on to the latest data: epoch {epoch} of {epochs}</source>
        <translation>在最新数据上继续训练 {model}：第 {epoch} / {epochs} 轮</translation>
    </message>
    <message>
        <source>Training {model} on the history before the test periods: epoch {epoch} of {epochs}</source>
        <translation>用检验期之前的历史训练 {model}：第 {epoch} / {epochs} 轮</translation>
    </message>
    <message>
        <source>Training {model}: epoch {epoch} of {epochs}</source>
        <translation>正在训练 {model}：第 {epoch}/{epochs} 轮</translation>
    </message>
    <message>
        <source>Comparing candidate models for each product ({done} of {total})…</source>
        <translation>正在为每个商品比较候选模型（{done}/{total}）…</translation>
    </message>
    <message>
        <source>Preparing the data and fitting {model}…</source>
        <translation>正在准备数据并拟合 {model}…</translation>
    </message>
    <message>
        <source>Backtesting {model} on held-out periods ({done} of {total} done)</source>
        <translation>正在预留期上回测 {model}（已完成 {done}/{total}）</translation>
    </message>
    <message>
        <source>Tuning: trial {trial}</source>
        <translation>调参：第 {trial} 次试验</translation>
    </message>
    <message>
        <source>best validation loss so far {best:.4f}</source>
        <translation>目前最佳验证损失 {best:.4f}</translation>
    </message>
</context>
<context>
    <name>TrainingView</name>
    <message>
        <source>Train</source>
        <extracomment>Keras/TensorFlow versions the last training ran with (in its child process)</extracomment>
        <translation>训练</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>时间预算</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Minutes the settings search may take.</source>
        <translation>参数搜索最多可用的分钟数。</translation>
    </message>
    <message>
        <source>Train and backtest</source>
        <translation>训练并回测</translation>
    </message>
    <message>
        <source>Train the model, then test it against the baselines on the latest periods.</source>
        <translation>训练模型，然后在最近几期数据上与基线模型比较准确度。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Tune settings…</source>
        <translation>自动调参…</translation>
    </message>
    <message>
        <source>Search units, layers, lookback, dropout and learning rate automatically and put the best values into the form.</source>
        <translation>自动搜索单元数、层数、回看期数、Dropout 和学习率，并把最佳值填入表单。</translation>
    </message>
    <message>
        <source>Training curves</source>
        <translation>训练曲线</translation>
    </message>
    <message>
        <source>Backtest: accuracy on held-out recent sales</source>
        <translation>回测：在预留的近期销量上的准确度</translation>
    </message>
    <message>
        <source>Next: forecast →</source>
        <translation>下一步：预测 →</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>A sales file is being imported…</source>
        <translation>正在导入销售文件…</translation>
    </message>
    <message>
        <source>Import a sales file first (step 1).</source>
        <translation>请先导入销售数据文件（第 1 步）。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Starting the settings search…</source>
        <translation>正在开始参数搜索…</translation>
    </message>
    <message>
        <source>Stopping after the current trial…</source>
        <translation>当前试验结束后停止…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>About {time} left in this step</source>
        <translation>本步骤约剩 {time}</translation>
    </message>
    <message>
        <source>The data changed while training; the result was dropped.</source>
        <translation>训练期间数据已更改，本次结果已丢弃。</translation>
    </message>
    <message>
        <source>Finished in {time}.</source>
        <translation>完成，用时 {time}。</translation>
    </message>
    <message>
        <source>Training finished in {time}.</source>
        <translation>训练完成，用时 {time}。</translation>
    </message>
    <message>
        <source>Best of {n} trials in {time} (validation loss {loss:.4f}) written into the form.</source>
        <translation>已将 {n} 次试验中的最佳参数（用时 {time}，验证损失 {loss:.4f}）填入表单。</translation>
    </message>
    <message>
        <source>Tuning failed.</source>
        <translation>调参失败。</translation>
    </message>
    <message>
        <source>Training failed.</source>
        <translation>训练失败。</translation>
    </message>
    <message>
        <source>Tuning cancelled</source>
        <translation>调参已取消</translation>
    </message>
    <message>
        <source>Training cancelled</source>
        <translation>训练已取消</translation>
    </message>
    <message>
        <source>No model yet. Choose the settings, then press Train and backtest.</source>
        <translation>尚无模型。请选择设置，然后点击“训练并回测”。</translation>
    </message>
    <message>
        <source>Current model: {model}</source>
        <translation>当前模型：{model}</translation>
    </message>
    <message>
        <source>best epoch {best} of {epochs}: {before} up to the backtest cutoff, then {after} on all the data</source>
        <translation>最佳轮次 {best}/{epochs}：回测截止前 {before} 轮，之后在全部数据上 {after} 轮</translation>
    </message>
    <message>
        <source>best epoch {best} of {epochs}</source>
        <translation>最佳轮次 {best}/{epochs}</translation>
    </message>
    <message>
        <source>trained in {time}</source>
        <translation>训练用时 {time}</translation>
    </message>
</context>
</TS>